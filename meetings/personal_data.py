"""Notices of absence, reminder settings, calendar feeds, past meetings' details (see
``core.personal_data``)."""

from __future__ import annotations

import datetime
from typing import Any

from core.personal_data import ExportSection, PersonalData, RetentionRule, before, iso, register

from .models import Absence, CalendarFeed, Meeting, ReminderOptOut, ReminderPreference


def _absences(user: Any) -> dict[int, list[dict[str, Any]]]:
    absences: dict[int, list[dict[str, Any]]] = {}
    for absence in Absence.objects.filter(membership__user=user).select_related("meeting"):
        absences.setdefault(absence.membership_id, []).append(
            {
                "meeting_starts_at": iso(absence.meeting.starts_at),
                "sent_at": iso(absence.created_at),
            }
        )
    return absences


def _calendar_feed(user: Any) -> dict[str, Any] | None:
    # The token is left out on purpose: it is a key, and a key in a file
    # lying in a downloads folder is a key anyone can copy.
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return None
    return {
        "exists": True,
        "created_at": iso(feed.created_at),
        "last_used_at": iso(feed.last_used_at),
    }


def _reminder_preference(user: Any) -> dict[str, Any] | None:
    preference = ReminderPreference.objects.filter(user=user).first()
    if preference is None:
        return None
    return {
        "hours_before": preference.lead_hours,
        "channel": preference.channel,
        "updated_at": iso(preference.updated_at),
    }


def _reminders_off(user: Any) -> dict[int, bool]:
    opted_out = ReminderOptOut.objects.filter(membership__user=user)
    return dict.fromkeys(opted_out.values_list("membership_id", flat=True), True)


def delete_old_absences(now: datetime.datetime) -> int:
    """Notices of absence, once the meeting is well past."""
    cutoff = before(now, "SELVHJELP_RETAIN_ABSENCE_DAYS")
    return Absence.objects.filter(meeting__ends_at__lt=cutoff).delete()[0]


def clear_past_meeting_details(now: datetime.datetime) -> int:
    """Past meetings keep their time and head count; a moved place, link or note goes."""
    cutoff = before(now, "SELVHJELP_RETAIN_MEETING_DETAILS_DAYS")
    detailed = Meeting.objects.filter(ends_at__lt=cutoff).exclude(place="", meeting_url="", note="")
    return detailed.update(place="", meeting_url="", note="")


class MeetingsData(PersonalData):
    app_label = "meetings"
    models = (
        "meetings.Absence",
        "meetings.CalendarFeed",
        "meetings.ReminderPreference",
        "meetings.ReminderOptOut",
    )
    links = {
        "meetings.Absence.membership": "memberships[].notices_of_absence",
        "meetings.CalendarFeed.user": "calendar_feed",
        "meetings.ReminderPreference.user": "reminders.preference",
        "meetings.ReminderOptOut.membership": "memberships[].meeting_reminders_off",
    }
    sections = (
        ExportSection("memberships[].notices_of_absence", _absences),
        ExportSection("calendar_feed", _calendar_feed),
        ExportSection("memberships[].meeting_reminders_off", _reminders_off, default=bool),
        ExportSection("reminders.preference", _reminder_preference),
    )
    retention = (
        RetentionRule("absences", delete_old_absences, "SELVHJELP_RETAIN_ABSENCE_DAYS"),
        RetentionRule(
            "meeting_details", clear_past_meeting_details, "SELVHJELP_RETAIN_MEETING_DETAILS_DAYS"
        ),
    )


register(MeetingsData())
