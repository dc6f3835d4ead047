"""iCalendar output: a member's feed and a single meeting.

Titles are neutral ("Gruppemøte"), never the group's name or theme. The place
goes in only for members who have signed the group's current pledge; a
digital meeting's link never does (it opens shortly before the meeting, on
the meeting page, which the event points to). The texts are in the feed
owner's language, with times written by ``core.when`` («Flyttet fra tirsdag
15. desember kl. 18.00.»); the member's own note on a meeting stays out.

``calendar_event`` and ``calendar_bytes`` write any event: the directory's
public information meetings use them for their calendar files too.
"""

from __future__ import annotations

import datetime
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


def event_uid(kind: str, pk: int) -> str:
    """A UID for the ``kind`` of thing with this ``pk``, under ``SITE_URL``'s host."""
    host = urlsplit(settings.SITE_URL).hostname or "selvhjelp"
    return f"{kind}-{pk}@{host}"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's whole life, moves included."""
    return event_uid("meeting", meeting.pk)


def calendar_event(
    *,
    uid: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    summary: str,
    url: str,
    sequence: int,
    cancelled: bool,
    location: str = "",
) -> Event:
    """One event in Oslo time; a cancelled one stays in the file with its status.

    ``sequence`` grows with every change, so that calendars take the new version.
    """
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at.astimezone(OSLO))
    event.add("dtend", ends_at.astimezone(OSLO))
    event.add("summary", summary)
    event.add("sequence", sequence)
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if location:
        event.add("location", location)
    return event


def calendar_bytes(events: Iterable[Event], *, name: str) -> bytes:
    """The events as an iCalendar file called ``name``, with the time zones they use."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(meeting: Meeting, *, signed: bool, base_url: str) -> Event:
    place = meeting_place(meeting) if signed and not meeting.group.is_digital else ""
    event = calendar_event(
        uid=meeting_uid(meeting),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=gettext("Group meeting"),
        url=base_url + meeting.get_absolute_url(),
        sequence=meeting.change_count + (1 if meeting.is_cancelled else 0),
        cancelled=meeting.is_cancelled,
        location=place or "",
    )
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
        return calendar_bytes(
            [_event(entry.meeting, signed=entry.signed, base_url=base_url) for entry in entries],
            name=gettext("My group meetings"),
        )
