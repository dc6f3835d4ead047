"""The outbox: putting messages in, handing due ones to workers, reminders.

Every e-mail and SMS is a row first (``OutgoingMessage``), created in the
same transaction as its cause under a unique key, so a cause can never
produce two messages. ``outbox_dispatch`` hands due rows to worker tasks in
batches of ids; ``notifications.sending.send_batch`` claims, renders and
sends them. Nothing here logs or stores names, themes or message text.
"""

from __future__ import annotations

import datetime
import logging
import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import BouncedAddress, OutgoingMessage, ReminderOptOut, ReminderPreference

logger = logging.getLogger(__name__)

Status = OutgoingMessage.Status

_PARAM_TEXT = re.compile(r"[A-Za-z0-9,:=-]{0,40}")


def _kick(ids: list[int]) -> None:
    """Send rows that are due now without waiting for the next dispatch."""
    from . import tasks

    tasks.send_batch.delay(ids)


def enqueue(
    *,
    key: str,
    kind: str,
    recipient: Any | None = None,
    address: str = "",
    channel: str = OutgoingMessage.Channel.EMAIL,
    params: dict[str, int | str | bool | None] | None = None,
    due_at: datetime.datetime | None = None,
) -> OutgoingMessage | None:
    """Add one message to the outbox, inside the caller's transaction.

    ``key`` identifies the cause (ids only); a second call with the same key
    adds nothing and returns ``None``. ``params`` holds ids and numbers only.
    A message due now is handed to a worker once the transaction commits; a
    later one waits for the dispatcher.
    """
    for name, value in (params or {}).items():
        # Ids, numbers, flags and short codes (an ISO week, a list of ids): never
        # anything a person wrote or a group is called.
        if isinstance(value, str) and not _PARAM_TEXT.fullmatch(value):
            raise ValueError(f"outbox param {name!r} must be an id or a short code")
    now = timezone.now()
    when = due_at or now
    try:
        with transaction.atomic():
            message = OutgoingMessage.objects.create(
                key=key,
                kind=kind,
                channel=channel,
                recipient=recipient,
                address=address,
                params=params or {},
                due_at=when,
                next_attempt_at=when,
            )
    except IntegrityError:
        if OutgoingMessage.objects.filter(key=key).exists():
            return None
        raise
    if when <= now:
        pk = message.pk
        transaction.on_commit(lambda: _kick([pk]))
    return message


# --- Dispatch -----------------------------------------------------------------


def outbox_dispatch(*, now: datetime.datetime | None = None, limit: int = 200_000) -> int:
    """Hand every due, unleased pending row to worker tasks, in batches of ids.

    Each batch is leased (``leased_until``) under ``skip_locked`` row locks
    before its task is sent, so two dispatchers running at once hand out
    disjoint rows. A task that is lost (broker restart) frees its rows when
    the lease runs out; the worker's claim is what guards against sending
    twice, the lease only keeps the queue short. Returns the rows handed out.
    """
    from . import tasks

    now = now or timezone.now()
    size = settings.SELVHJELP_OUTBOX_BATCH_SIZE
    lease = now + datetime.timedelta(seconds=settings.SELVHJELP_OUTBOX_LEASE_SECONDS)
    handed = 0
    while handed < limit:
        with transaction.atomic():
            ids = list(
                OutgoingMessage.objects.select_for_update(skip_locked=True)
                .filter(status=Status.PENDING, next_attempt_at__lte=now)
                .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
                .order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)[: size * 20]
            )
            if ids:
                OutgoingMessage.objects.filter(pk__in=ids).update(leased_until=lease)
        if not ids:
            break
        for start in range(0, len(ids), size):
            tasks.send_batch.delay(ids[start : start + size])
        handed += len(ids)
    if handed:
        logger.info("outbox: %d due messages handed to workers", handed)
    return handed


def outbox_sweep(*, now: datetime.datetime | None = None) -> int:
    """Put rows a dead worker left in ``sending`` back in line.

    A batch task cannot run longer than half the stuck time (its time
    limit), so a row older than that belongs to a worker that is gone.
    """
    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(seconds=settings.SELVHJELP_OUTBOX_STUCK_SECONDS)
    count = OutgoingMessage.objects.filter(
        status=Status.SENDING, claimed_at__lt=stuck_before
    ).update(status=Status.PENDING, next_attempt_at=now, leased_until=None, claimed_at=None)
    if count:
        logger.warning("outbox: %d messages left in flight were put back in line", count)
    return count


# --- Reminders ----------------------------------------------------------------

MAX_LEAD_HOURS = max(ReminderPreference.LEAD_HOURS)


def channels_for(*, phone: str, preference: ReminderPreference | None) -> list[str]:
    """The channels a member's reminders and notices go out on.

    E-mail unless the member chose SMS (or both) and has a phone number.
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
    from groups.models import Membership
    from meetings.models import Meeting

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
        .values_list("pk", "group_id", "user_id", "user__phone")
    )
    by_group: dict[int, list[tuple[int, int, str]]] = {}
    for membership_id, group_id, user_id, phone in memberships:
        by_group.setdefault(group_id, []).append((membership_id, user_id, phone))
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


# --- Preferences and bounces --------------------------------------------------


@transaction.atomic
def reminder_preferences_update(
    *, user: Any, lead_hours: int, channel: str, opted_out_membership_ids: set[int]
) -> ReminderPreference:
    """Save a member's lead time, channel and the groups they want no reminders for."""
    from groups.models import Membership

    pref, _created = ReminderPreference.objects.update_or_create(
        user=user, defaults={"lead_hours": lead_hours, "channel": channel}
    )
    own = set(Membership.objects.active().filter(user=user).values_list("pk", flat=True))
    wanted_out = opted_out_membership_ids & own
    ReminderOptOut.objects.filter(membership_id__in=own - wanted_out).delete()
    for membership_id in wanted_out:
        ReminderOptOut.objects.get_or_create(membership_id=membership_id)
    return pref


def bounce_record(*, address: str, channel: str, user_id: int | None, reason: str) -> None:
    """Remember that ``address`` was refused for good; nothing more goes to it."""
    BouncedAddress.objects.get_or_create(
        address=BouncedAddress.normalise(address),
        defaults={"channel": channel, "user_id": user_id, "reason": reason[:60]},
    )


def bounces_to_tell(*, user: Any) -> list[BouncedAddress]:
    """Bounced addresses of ``user`` that they have not been told about yet."""
    from .sms import normalise_phone

    current = [a for a in (user.email, normalise_phone(user.phone or "")) if a]
    return list(
        BouncedAddress.objects.filter(
            Q(user=user) | Q(address__in=[BouncedAddress.normalise(a) for a in current]),
            notified_at__isnull=True,
        )
    )
