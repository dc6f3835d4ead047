"""Retention: what is kept how long, and the daily task that enforces it.

Each rule is one function that takes ``now`` and returns how many rows it
removed or emptied; ``purge`` runs them all. Periods are settings in days
(``SELVHJELP_RETAIN_*``, defaults in the base settings, set from the
environment); ``docs/privacy.md`` lists the same rules for readers.
Every rule is idempotent: running it twice removes nothing the second time.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from allauth.account.models import EmailAddress
from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from groups.models import GroupInvitation
from interest.models import InterestRegistration
from joining.models import JoinRequest, WaitingListEntry
from meetings.models import Absence, Meeting
from notifications.models import OutgoingMessage
from organisations.models import StaffInvitation, StaffRole

from .models import AuditEvent
from .services import audit

logger = logging.getLogger(__name__)


def days(name: str) -> int:
    return int(getattr(settings, name))


def _before(now: datetime.datetime, name: str) -> datetime.datetime:
    return now - datetime.timedelta(days=days(name))


def close_unanswered_join_requests(now: datetime.datetime) -> int:
    """Pending requests nobody answered in time are closed as expired.

    (Requests with a consent deadline are closed sooner by
    ``joining.services.join_requests_expire``.)
    """
    stale = JoinRequest.objects.filter(
        status=JoinRequest.Status.PENDING,
        created_at__lt=_before(now, "SELVHJELP_RETAIN_UNANSWERED_JOIN_REQUEST_DAYS"),
    )
    return stale.update(status=JoinRequest.Status.EXPIRED, decided_at=now, message="")


def delete_closed_join_requests(now: datetime.datetime) -> int:
    cutoff = _before(now, "SELVHJELP_RETAIN_CLOSED_JOIN_REQUEST_DAYS")
    closed = JoinRequest.objects.exclude(status=JoinRequest.Status.PENDING).filter(
        Q(decided_at__lt=cutoff) | Q(decided_at__isnull=True, created_at__lt=cutoff)
    )
    return closed.delete()[1].get(JoinRequest._meta.label, 0)


def delete_closed_waiting_list_entries(now: datetime.datetime) -> int:
    cutoff = _before(now, "SELVHJELP_RETAIN_CLOSED_WAITING_LIST_DAYS")
    active = (WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED)
    closed = WaitingListEntry.objects.exclude(status__in=active).filter(
        Q(offered_at__lt=cutoff) | Q(offered_at__isnull=True, created_at__lt=cutoff)
    )
    return closed.delete()[0]


def delete_ended_interest_registrations(now: datetime.datetime) -> int:
    """Withdrawn or expired registrations (expiry is recorded as withdrawal)."""
    cutoff = _before(now, "SELVHJELP_RETAIN_ENDED_INTEREST_DAYS")
    ended = InterestRegistration.objects.filter(
        Q(withdrawn_at__lt=cutoff) | Q(expires_at__lt=cutoff)
    )
    return ended.delete()[0]


def delete_done_messages(now: datetime.datetime) -> int:
    """Outbox rows that were sent, cancelled or gave up."""
    cutoff = _before(now, "SELVHJELP_RETAIN_DONE_MESSAGE_DAYS")
    done = (
        OutgoingMessage.Status.SENT,
        OutgoingMessage.Status.CANCELLED,
        OutgoingMessage.Status.FAILED,
    )
    old = OutgoingMessage.objects.filter(status__in=done).filter(
        Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True, created_at__lt=cutoff)
    )
    return old.delete()[0]


def strip_audit_details(now: datetime.datetime) -> int:
    """Old audit rows keep what happened and when; the ids in ``data`` go."""
    cutoff = _before(now, "SELVHJELP_RETAIN_AUDIT_DETAILS_DAYS")
    return (
        AuditEvent.objects.filter(created_at__lt=cutoff)
        .filter(~Q(data={}) | ~Q(target_id=""))
        .update(data={}, target_id="")
    )


def delete_old_audit_events(now: datetime.datetime) -> int:
    cutoff = _before(now, "SELVHJELP_RETAIN_AUDIT_DAYS")
    return AuditEvent.objects.filter(created_at__lt=cutoff).delete()[0]


def delete_unverified_accounts(now: datetime.datetime) -> int:
    """Accounts whose address was never confirmed, and that nobody uses.

    Staff and admin-site accounts are left alone; deletion goes through the
    same service a person uses, so nothing is left behind.
    """
    from accounts.deletion import account_delete
    from accounts.models import User

    cutoff = _before(now, "SELVHJELP_RETAIN_UNVERIFIED_ACCOUNT_DAYS")
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    staff = StaffRole.objects.values("user_id")
    stale = (
        User.objects.filter(date_joined__lt=cutoff, is_staff=False, is_superuser=False)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
        .exclude(pk__in=verified)
        .exclude(pk__in=staff)
        .values_list("pk", flat=True)
    )
    return sum(account_delete(user_id=pk) for pk in list(stale))


def delete_old_absences(now: datetime.datetime) -> int:
    """Notices of absence, once the meeting is well past."""
    cutoff = _before(now, "SELVHJELP_RETAIN_ABSENCE_DAYS")
    return Absence.objects.filter(meeting__ends_at__lt=cutoff).delete()[0]


def clear_past_meeting_details(now: datetime.datetime) -> int:
    """Past meetings keep their time and head count; a moved place, link or note goes."""
    cutoff = _before(now, "SELVHJELP_RETAIN_MEETING_DETAILS_DAYS")
    detailed = Meeting.objects.filter(ends_at__lt=cutoff).exclude(place="", meeting_url="", note="")
    return detailed.update(place="", meeting_url="", note="")


def delete_old_invitations(now: datetime.datetime) -> int:
    """Staff invitations past their expiry, and answered group invitations."""
    cutoff = _before(now, "SELVHJELP_RETAIN_INVITATION_DAYS")
    staff = StaffInvitation.objects.filter(expires_at__lt=cutoff).delete()[0]
    group = GroupInvitation.objects.filter(
        status__in=(GroupInvitation.Status.ACCEPTED, GroupInvitation.Status.DECLINED),
        responded_at__lt=cutoff,
    ).delete()[0]
    return staff + group


def delete_expired_sessions(now: datetime.datetime) -> int:
    return Session.objects.filter(expire_date__lt=now).delete()[0]


RULES: dict[str, Callable[[datetime.datetime], int]] = {
    "join_requests_unanswered": close_unanswered_join_requests,
    "join_requests_closed": delete_closed_join_requests,
    "waiting_list_closed": delete_closed_waiting_list_entries,
    "interest_ended": delete_ended_interest_registrations,
    "messages_done": delete_done_messages,
    "audit_details": strip_audit_details,
    "audit_events": delete_old_audit_events,
    "accounts_unverified": delete_unverified_accounts,
    "absences": delete_old_absences,
    "meeting_details": clear_past_meeting_details,
    "invitations": delete_old_invitations,
    "sessions": delete_expired_sessions,
}


def retention_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Apply every rule, each in its own transaction; returns counts per rule."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for name, rule in RULES.items():
        with transaction.atomic():
            counts[name] = rule(now)
    done = {name: count for name, count in counts.items() if count}
    if done:
        with transaction.atomic():
            audit(actor=None, event="retention.purged", data=done)
    logger.info("retention purge: %s", done or "nothing to do")
    return counts


@shared_task(name="core.retention.purge", ignore_result=True)
def purge() -> None:
    """Daily retention run. Idempotent: a second run finds nothing more to remove."""
    retention_purge()
