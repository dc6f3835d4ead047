"""Meeting reminders: the scan that puts them in the outbox, and members' settings.

Beat runs ``reminder_scan`` every minute (``tasks.scan_reminders``): for each
upcoming, not cancelled meeting of a group that meets, every active member
whose lead time has come (default ``SELVHJELP_REMINDER_DEFAULT_HOURS``, or
their ``ReminderPreference``) and who has not opted out for that group
(``ReminderOptOut``) gets one outbox row per channel. Rows are created only
once due, so nothing far in the future sits in the broker. The outbox sends
them; ``messages.py`` renders them.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from groups.models import Membership
from notifications.models import OutgoingMessage

from .models import Meeting, ReminderOptOut, ReminderPreference

logger = logging.getLogger(__name__)

MAX_LEAD_HOURS = max(ReminderPreference.LEAD_HOURS)


def channels_for(*, phone: str, preference: ReminderPreference | None) -> list[str]:
    """The channels a member's reminders and notices go out on.

    E-mail unless the member chose SMS (or both) and has a confirmed
    number (``User.sms_number``; callers pass "" for an unconfirmed one): a
    member whose number is not confirmed gets e-mail instead of nothing.
    """
    wanted = preference.channel if preference else ReminderPreference.Channel.EMAIL
    if wanted in (ReminderPreference.Channel.SMS, ReminderPreference.Channel.BOTH) and phone:
        if wanted == ReminderPreference.Channel.SMS:
            return [OutgoingMessage.Channel.SMS]
        return [OutgoingMessage.Channel.EMAIL, OutgoingMessage.Channel.SMS]
    return [OutgoingMessage.Channel.EMAIL]


def reminder_key(*, meeting_id: int, user_id: int, channel: str) -> str:
    return f"reminder:m={meeting_id}:u={user_id}:{channel}"


def reminder_scan(*, now: datetime.datetime | None = None) -> int:
    """Create a reminder row for every member whose lead time before a meeting has come.

    Idempotent: one row per (meeting, member, channel) by key; a second scan
    adds nothing. Meetings that have started, are cancelled or belong to a
    paused group get no reminder; neither do members who opted out for the
    group. Rows are created only once due, so no far-future work is queued.
    """
    now = now or timezone.now()
    default_hours = settings.SELVHJELP_REMINDER_DEFAULT_HOURS
    horizon = now + datetime.timedelta(hours=max(MAX_LEAD_HOURS, default_hours))
    meetings = dict(
        Meeting.objects.due_for_reminder(now)
        .filter(starts_at__gt=now, starts_at__lte=horizon)
        .values_list("pk", "starts_at")
    )
    if not meetings:
        return 0
    group_of = dict(Meeting.objects.filter(pk__in=meetings).values_list("pk", "group_id"))
    memberships = (
        Membership.objects.active()
        .filter(group_id__in=set(group_of.values()), reminder_opt_out__isnull=True)
        .values_list("pk", "group_id", "user_id", "user__phone", "user__phone_verified")
    )
    by_group: dict[int, list[tuple[int, int, str]]] = {}
    for membership_id, group_id, user_id, phone, phone_verified in memberships:
        # As User.sms_number: only a confirmed number is texted.
        by_group.setdefault(group_id, []).append(
            (membership_id, user_id, phone if phone_verified else "")
        )
    user_ids = {u for rows in by_group.values() for _m, u, _p in rows}
    prefs = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=user_ids)}
    rows: list[OutgoingMessage] = []
    for meeting_id, starts_at in meetings.items():
        for membership_id, user_id, phone in by_group.get(group_of[meeting_id], []):
            pref = prefs.get(user_id)
            hours = pref.lead_hours if pref else default_hours
            due = starts_at - datetime.timedelta(hours=hours)
            if due > now:
                continue
            for channel in channels_for(phone=phone, preference=pref):
                rows.append(
                    OutgoingMessage(
                        key=reminder_key(meeting_id=meeting_id, user_id=user_id, channel=channel),
                        kind="meeting_reminder",
                        channel=channel,
                        recipient_id=user_id,
                        params={"meeting": meeting_id, "membership": membership_id},
                        due_at=due,
                        next_attempt_at=now,
                    )
                )
    created = 0
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        keys = [r.key for r in chunk]
        existing = set(OutgoingMessage.objects.filter(key__in=keys).values_list("key", flat=True))
        fresh = [r for r in chunk if r.key not in existing]
        OutgoingMessage.objects.bulk_create(fresh, ignore_conflicts=True)
        created += len(fresh)
    if created:
        logger.info("outbox: %d meeting reminders fell due", created)
    return created


@transaction.atomic
def reminder_preferences_update(
    *, user: Any, lead_hours: int, channel: str, opted_out_membership_ids: set[int]
) -> ReminderPreference:
    """Save a member's lead time, channel and the groups they want no reminders for."""
    pref, _created = ReminderPreference.objects.update_or_create(
        user=user, defaults={"lead_hours": lead_hours, "channel": channel}
    )
    own = set(Membership.objects.active().filter(user=user).values_list("pk", flat=True))
    wanted_out = opted_out_membership_ids & own
    ReminderOptOut.objects.filter(membership_id__in=own - wanted_out).delete()
    for membership_id in wanted_out:
        ReminderOptOut.objects.get_or_create(membership_id=membership_id)
    return pref
