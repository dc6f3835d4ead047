"""Everything the platform holds about one person, as a readable document.

``user_data_export`` is what a member downloads from their profile (GDPR
Art. 15 and 20). It holds their own data only: the groups they are or were
in appear by name and dates, never with the other members; outgoing messages
appear by kind and status, never with the text or another address; audit
events by name and time, without ids that point at other people.

The content comes from the apps (``sections`` of each app's
``personal_data.py``); this module only puts the sections in their place in
the file. ``LAYOUT`` is the file's shape: a new section gets a place here,
and ``tests/privacy/test_registry.py`` fails until it has one.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from core.personal_data import ExportSection, iso, providers

FORMAT_VERSION = 1

# Every section's path, in the order the file lists them. "a.b" is the key
# "b" inside "a"; "rows[].key" is a key of every row of the section "rows".
LAYOUT = (
    "profile",
    "email_addresses",
    "two_factor_authentication",
    "memberships",
    "memberships[].meeting_reminders_off",
    "memberships[].pledge_signatures",
    "memberships[].notices_of_absence",
    "memberships[].host_weeks",
    "memberships[].answers_to_join_requests",
    "memberships[].proposals_made",
    "memberships[].answers_to_proposals",
    "memberships[].feedback_answered",
    "memberships[].board_posts",
    "memberships[].board_reading",
    "join_requests",
    "waiting_list_entries",
    "group_invitations",
    "interest_registrations",
    "support_requests_sent",
    "change_reports_sent",
    "calendar_feed",
    "reminders.preference",
    "reminders.addresses_that_bounced",
    "messages_to_you",
    "staff.roles",
    "staff.invitations_received",
    "staff.groups_created",
    "audit_events",
)
ROW_KEY = "[]."


def sections() -> list[ExportSection]:
    """Every registered section, in the order of ``LAYOUT`` (unplaced ones last)."""
    place = {path: index for index, path in enumerate(LAYOUT)}
    found = [section for provider in providers() for section in provider.sections]
    return sorted(found, key=lambda section: place.get(section.path, len(place)))


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *outer, key = path.split(".")
    for name in outer:
        data = data.setdefault(name, {})
    data[key] = value


def user_data_export(*, user: Any) -> dict[str, Any]:
    """Everything held about ``user``, as JSON-ready data (ISO dates, no ids of others)."""
    data: dict[str, Any] = {
        "about": gettext(
            "Everything Selvhjelp stores about you, as of the time below. Groups are "
            "named, but not who else is in them. Times are in UTC."
        ),
        "format_version": FORMAT_VERSION,
        "exported_at": iso(timezone.now()),
    }
    ordered = sections()
    with_rows = {s.path.split(ROW_KEY)[0] for s in ordered if ROW_KEY in s.path}
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for section in ordered:
        value = section.build(user)
        if ROW_KEY in section.path:
            parent, key = section.path.split(ROW_KEY)
            for pk, row in rows.get(parent, {}).items():
                row[key] = value[pk] if pk in value else section.default()
        elif section.path in with_rows:
            # Rows by id, so that other apps' keys find their row; the file lists them.
            rows[section.path] = value
            _put(data, section.path, list(value.values()))
        else:
            _put(data, section.path, value)
    return data
