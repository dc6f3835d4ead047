"""Writes about meetings: the schedule, changes, notices of absence, counts.

Every service is atomic, locks the row it changes and records an audit event
without free text (no notes, no places). Notices to members go into the
outbox in the same transaction, keyed by ids only.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit
from groups.models import Group, Membership
from notifications.models import OutgoingMessage
from notifications.services import enqueue

from . import schedule
from .models import Absence, CalendarFeed, Meeting
from .reminders import channels_for

# Far enough ahead for the next eight meetings of a fortnightly group.
WEEKS_AHEAD = 17
# A meeting may be counted with a few more than the members (an initiator, a guest).
ATTENDANCE_SLACK = 2
ATTENDANCE_MAX = 99


# --- The schedule ---------------------------------------------------------------


@transaction.atomic
def meetings_materialise(*, group_id: int, now: datetime.datetime | None = None) -> int:
    """Bring the group's stored meetings in line with its schedule; returns rows created.

    Idempotent. Future meetings nobody has touched are replaced when the rule
    changed; cancelled or moved meetings and past meetings are kept. A group
    that does not meet (paused, ended, not started) keeps no untouched future
    meetings at all.
    """
    now = now or timezone.now()
    group = Group.objects.select_for_update().filter(pk=group_id).first()
    if group is None:
        return 0
    future = Meeting.objects.filter(group=group, starts_at__gt=now)
    untouched = future.filter(cancelled_at__isnull=True, changed_at__isnull=True)
    if group.state not in Group.State.MEETING:
        untouched.delete()
        return 0
    if group.schedule_anchor is None:
        group.schedule_anchor = schedule.monday_of(schedule.local(now).date())
        group.save(update_fields=["schedule_anchor"])
    wanted = {
        begins: ends
        for begins, ends in schedule.occurrences(
            group, start=now, end=now + datetime.timedelta(weeks=WEEKS_AHEAD)
        )
        if begins > now
    }
    for meeting in untouched:
        if meeting.occurrence not in wanted:
            meeting.delete()
        elif meeting.ends_at != wanted[meeting.occurrence]:
            meeting.ends_at = wanted[meeting.occurrence]
            meeting.save(update_fields=["ends_at"])
    kept = set(future.values_list("occurrence", flat=True))
    created = Meeting.objects.bulk_create(
        [
            Meeting(group=group, occurrence=begins, starts_at=begins, ends_at=ends)
            for begins, ends in sorted(wanted.items())
            if begins not in kept
        ],
        ignore_conflicts=True,
    )
    return len(created)


def meetings_materialise_all(*, now: datetime.datetime | None = None) -> int:
    """Every group: the daily top-up of the weeks ahead, and clean-up for paused groups."""
    total = 0
    # Past their start: groups that meet are topped up, paused and ended ones cleaned up.
    group_ids = Group.objects.exclude(state__in=Group.State.BEFORE_START).values_list(
        "pk", flat=True
    )
    for group_id in group_ids:
        total += meetings_materialise(group_id=group_id, now=now)
    return total


@transaction.atomic
def schedule_change(*, group: Group, actor: Any, data: dict[str, Any]) -> Group:
    """The group changes its regular time; future untouched meetings follow."""
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if locked.state not in Group.State.MEETING:
        raise DomainError(_("Only a group that meets can change its schedule."), code="wrong_state")
    fields = ("weekday", "start_time", "duration_minutes", "cadence", "custom_days")
    before = {name: getattr(locked, name) for name in fields}
    for name in fields:
        setattr(locked, name, data[name])
    if locked.cadence != Group.Cadence.CUSTOM:
        locked.custom_days = ""
    if all(getattr(locked, name) == before[name] for name in fields):
        raise DomainError(_("Nothing was changed."), code="no_change")
    locked.schedule_anchor = schedule.monday_of(schedule.local(timezone.now()).date())
    locked.full_clean(exclude=["slug", "contact_person"])
    locked.save()
    audit(
        actor=None,
        event=AuditEvent.Event.GROUP_SCHEDULE_CHANGED,
        target=locked,
        data={"fields": sorted(n for n in fields if getattr(locked, n) != before[n])},
    )
    meetings_materialise(group_id=locked.pk)
    return locked


def schedule_carry_out(proposal: Any) -> None:
    """A new meeting time the members agreed on (``decisions.Proposal.Kind.SCHEDULE``)."""
    schedule_change(
        group=proposal.group, actor=None, data=schedule.schedule_from_details(proposal.details)
    )


def schedule_is_so(proposal: Any) -> bool:
    """The proposed time is the group's time already."""
    wanted = schedule.schedule_from_details(proposal.details)
    return all(getattr(proposal.group, name) == value for name, value in wanted.items())


# --- Cancelling and moving one meeting ----------------------------------------------


def _lock_changeable(meeting: Meeting, now: datetime.datetime) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    if locked.group.state not in Group.State.MEETING:
        raise DomainError(_("The group does not meet while it is paused."), code="wrong_state")
    if locked.has_started(now):
        raise DomainError(
            _("This meeting has already started or is over, so it can no longer be changed."),
            code="past",
        )
    return locked


def _notify_others(meeting: Meeting, actor: Any, kind: str, key: str) -> int:
    others = (
        Membership.objects.active()
        .filter(group_id=meeting.group_id)
        .exclude(user=actor)
        .select_related("user", "user__reminder_preference")
    )
    count = 0
    for membership in others:
        user = membership.user
        preference = getattr(user, "reminder_preference", None)
        for channel in channels_for(phone=user.sms_number, preference=preference):
            enqueue(
                key=key.format(u=membership.user_id)
                + ("" if channel == OutgoingMessage.Channel.EMAIL else f":{channel}"),
                kind=kind,
                channel=channel,
                recipient=user,
                params={"meeting": meeting.pk},
            )
            count += 1
    return count


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, actor: Any, note: str = "", now: datetime.datetime | None = None
) -> Meeting:
    """Cancel one meeting; every other active member gets a notice."""
    now = now or timezone.now()
    locked = _lock_changeable(meeting, now)
    if locked.is_cancelled:
        raise DomainError(_("This meeting is already cancelled."), code="no_change")
    locked.cancelled_at = now
    locked.note = note
    locked.save(update_fields=["cancelled_at", "note"])
    notified = _notify_others(
        locked, actor, "meeting_cancelled", f"meeting_cancelled:m={locked.pk}:u={{u}}"
    )
    audit(
        actor=None,
        event=AuditEvent.Event.MEETING_CANCELLED,
        target=locked,
        data={"group": locked.group_id, "notified": notified},
    )
    return locked


def overlapping(
    *, meeting: Meeting, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> bool:
    """Whether another meeting of the group (not cancelled) overlaps the span."""
    return (
        Meeting.objects.filter(
            group_id=meeting.group_id,
            cancelled_at__isnull=True,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .exclude(pk=meeting.pk)
        .exists()
    )


@transaction.atomic
def meeting_move(
    *,
    meeting: Meeting,
    actor: Any,
    starts_at: datetime.datetime,
    place: str = "",
    meeting_url: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> Meeting:
    """Move one meeting in time, place or link; every other active member gets a notice.

    The meeting keeps its length. An empty ``place`` or ``meeting_url`` means
    the group's usual one.
    """
    now = now or timezone.now()
    locked = _lock_changeable(meeting, now)
    if locked.is_cancelled:
        raise DomainError(_("A cancelled meeting cannot be moved."), code="cancelled")
    if starts_at <= now:
        raise DomainError(_("Choose a time that has not passed yet."), code="past")
    ends_at = starts_at + (locked.ends_at - locked.starts_at)
    if (
        starts_at == locked.starts_at
        and place == locked.place
        and meeting_url == locked.meeting_url
    ):
        raise DomainError(_("Nothing was changed: choose another time or place."), code="no_change")
    if overlapping(meeting=locked, starts_at=starts_at, ends_at=ends_at):
        raise DomainError(
            _("The group has another meeting at that time. Choose another time."),
            code="overlap",
        )
    time_changed = starts_at != locked.starts_at
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.place = place
    locked.meeting_url = meeting_url
    locked.note = note
    locked.changed_at = now
    locked.change_count += 1
    locked.save()
    notified = _notify_others(
        locked,
        actor,
        "meeting_moved",
        f"meeting_moved:m={locked.pk}:c={locked.change_count}:u={{u}}",
    )
    audit(
        actor=None,
        event=AuditEvent.Event.MEETING_MOVED,
        target=locked,
        data={
            "group": locked.group_id,
            "time_changed": time_changed,
            "place_changed": place != "",
            "link_changed": meeting_url != "",
            "change": locked.change_count,
            "notified": notified,
        },
    )
    return locked


# --- Notice of absence --------------------------------------------------------------


def _check_absence_open(meeting: Meeting, membership: Membership, now: datetime.datetime) -> None:
    if membership.status != Membership.Status.ACTIVE or membership.group_id != meeting.group_id:
        raise DomainError(_("You are not a member of this group."), code="not_member")
    if meeting.is_over(now):
        raise DomainError(_("This meeting is over."), code="past")
    if meeting.is_cancelled:
        raise DomainError(_("This meeting is cancelled; no notice is needed."), code="cancelled")
    if meeting.group.state not in Group.State.MEETING:
        raise DomainError(_("The group does not meet while it is paused."), code="wrong_state")


@transaction.atomic
def absence_register(
    *, meeting: Meeting, membership: Membership, now: datetime.datetime | None = None
) -> bool:
    """Notice of absence (meldeplikt), no reason asked. Idempotent; True if new."""
    now = now or timezone.now()
    locked = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    _check_absence_open(locked, membership, now)
    _absence, created = Absence.objects.get_or_create(meeting=locked, membership=membership)
    return created


@transaction.atomic
def absence_withdraw(
    *, meeting: Meeting, membership: Membership, now: datetime.datetime | None = None
) -> bool:
    """Undo a notice of absence. Idempotent; True if one was removed."""
    now = now or timezone.now()
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if membership.group_id != locked.group_id:
        raise DomainError(_("You are not a member of this group."), code="not_member")
    if locked.is_over(now):
        raise DomainError(_("This meeting is over."), code="past")
    deleted, _rows = Absence.objects.filter(meeting=locked, membership=membership).delete()
    return deleted > 0


# --- Attendance ---------------------------------------------------------------------


def attendance_max(*, group: Group) -> int:
    active = Membership.objects.active().filter(group=group).count()
    return min(ATTENDANCE_MAX, active + ATTENDANCE_SLACK)


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, actor: Any, count: int, now: datetime.datetime | None = None
) -> Meeting:
    """How many came: a number only. Any member may record or correct it."""
    now = now or timezone.now()
    locked = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    if not locked.has_started(now):
        raise DomainError(
            _("The count can be recorded once the meeting has started."), code="future"
        )
    if locked.is_cancelled:
        raise DomainError(_("This meeting was cancelled."), code="cancelled")
    highest = attendance_max(group=locked.group)
    if not 0 <= count <= highest:
        raise DomainError(
            _("Enter a number between 0 and %(max)s.") % {"max": highest}, code="invalid"
        )
    corrected = locked.attendance is not None
    locked.attendance = count
    locked.attendance_recorded_at = now
    locked.save(update_fields=["attendance", "attendance_recorded_at"])
    audit(
        actor=None,
        event=AuditEvent.Event.MEETING_ATTENDANCE_CORRECTED
        if corrected
        else AuditEvent.Event.MEETING_ATTENDANCE_RECORDED,
        target=locked,
        data={"group": locked.group_id, "count": count},
    )
    return locked


# --- Calendar feeds -----------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, user: Any) -> CalendarFeed:
    """Create the member's feed, or give it a new token (the old address stops working)."""
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token": token}
    )
    if not created:
        feed.token = token
        feed.created_at = timezone.now()
        feed.last_used_at = None
        feed.save(update_fields=["token", "created_at", "last_used_at"])
    audit(
        actor=user,
        event=AuditEvent.Event.MEETINGS_FEED_CREATED
        if created
        else AuditEvent.Event.MEETINGS_FEED_RENEWED,
    )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: Any) -> bool:
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    if deleted:
        audit(actor=user, event=AuditEvent.Event.MEETINGS_FEED_REVOKED)
    return deleted > 0


def link_opens_at(meeting: Meeting) -> datetime.datetime:
    return meeting.starts_at - datetime.timedelta(minutes=settings.SELVHJELP_LINK_OPENS_MINUTES)
