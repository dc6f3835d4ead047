"""iCalendar output: a member's feed and a single meeting.

Titles are neutral ("Gruppemøte"), never the group's name or theme. The place
goes in only for members who have signed the group's current pledge; a
digital meeting's link never does (it opens shortly before the meeting, on
the meeting page, which the event points to). The texts are in the feed
owner's language, with times written by ``core.when`` («Flyttet fra tirsdag
15. desember kl. 18.00.»); the member's own note on a meeting stays out.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar, Event

from core import when

from .models import Meeting
from .schedule import OSLO
from .selectors import FeedEntry, meeting_place

PRODID = "-//Selvhjelp//Gruppemøter//NB"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's whole life, moves included."""
    host = urlsplit(settings.SITE_URL).hostname or "selvhjelp"
    return f"meeting-{meeting.pk}@{host}"


def _event(meeting: Meeting, *, signed: bool, base_url: str) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(OSLO))
    event.add("dtend", meeting.ends_at.astimezone(OSLO))
    event.add("summary", gettext("Group meeting"))
    event.add("sequence", meeting.change_count + (1 if meeting.is_cancelled else 0))
    event.add("url", base_url + meeting.get_absolute_url())
    if meeting.is_cancelled:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    if signed and not meeting.group.is_digital and meeting_place(meeting):
        event.add("location", meeting_place(meeting))
    description = []
    if meeting.changed_at and meeting.occurrence != meeting.starts_at:
        description.append(
            gettext("Moved from %(when)s.") % {"when": when.weekday_date_clock(meeting.occurrence)}
        )
    if meeting.group.is_digital:
        description.append(
            gettext("The meeting link appears on the meeting page shortly before the meeting.")
        )
    if description:
        event.add("description", "\n".join(description))
    return event


def build_calendar(
    entries: Iterable[FeedEntry], *, language: str, base_url: str | None = None
) -> bytes:
    """The entries as iCalendar, linking to the meeting pages under ``base_url``.

    ``base_url`` is where the feed was asked for (from the request), so the
    links lead to the address the member uses; ``SITE_URL`` when not given.
    Event UIDs keep ``SITE_URL``'s host: they must not change with the address.
    """
    base_url = (base_url or settings.SITE_URL).rstrip("/")
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", gettext("My group meetings"))
        for entry in entries:
            calendar.add_component(_event(entry.meeting, signed=entry.signed, base_url=base_url))
        calendar.add_missing_timezones()
        return calendar.to_ical()
