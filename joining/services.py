"""Writes for joining and leaving a group.

``membership_add`` is the one place a seat is taken: it locks the group row,
so two people taking the last seat at once end with one member. Join
requests, waiting-list offers and interest-list invitations all go through it.
Audit rows carry ids only; e-mails are queued after commit with ids only.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit
from groups.models import Group, Membership
from notifications.services import enqueue

from .models import Consent, GroupNotice, JoinRequest, WaitingListEntry

Decider = JoinRequest.Decider
Role = Membership.Role

# States in which a group takes new members at all.


def consent_days() -> int:
    return int(getattr(settings, "SELVHJELP_CONSENT_DAYS", 7))


def offer_days() -> int:
    return int(getattr(settings, "SELVHJELP_OFFER_DAYS", 3))


def _lock_group(group: Group) -> Group:
    return Group.objects.select_for_update().get(pk=group.pk)


def _takes_new_members(group: Group) -> bool:
    return group.state in Group.State.JOINABLE and group.open_for_new_members


def decider_for(group: Group) -> str:
    """Who decides on a request to ``group`` now (Selvhjelp Norge's "closed after start")."""
    if group.state in Group.State.GUIDED:
        return Decider.INITIATOR
    if group.admission == Group.Admission.OPEN:
        return Decider.ANY_MEMBER
    return Decider.ALL_MEMBERS


# --- Seats ---------------------------------------------------------------------


@transaction.atomic
def membership_add(*, group: Group, user: Any, role: str = Role.MEMBER) -> Membership:
    """Give ``user`` a seat in ``group``.

    Locks the group row, refuses a full group and a second active membership,
    creates the membership, counts it (members only: initiators hold no seat),
    and writes a ``joined`` notice and an audit row.
    """
    locked = _lock_group(group)
    if Membership.objects.active().filter(group=locked, user=user).exists():
        raise DomainError(_("You are already a member of this group."), code="duplicate")
    if role == Role.MEMBER and locked.member_count >= locked.capacity:
        raise DomainError(_("The group is full."), code="full")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(group=locked, user=user, role=role)
    except IntegrityError as exc:  # a concurrent twin slipped past the check
        raise DomainError(_("You are already a member of this group."), code="duplicate") from exc
    if role == Role.MEMBER:
        locked.member_count += 1
        locked.save(update_fields=["member_count"])
        group.member_count = locked.member_count
    GroupNotice.objects.create(group=locked, membership=membership, kind=GroupNotice.Kind.JOINED)
    audit(actor=user, event=AuditEvent.Event.JOINING_MEMBERSHIP_ADDED, target=membership)
    return membership


@transaction.atomic
def membership_leave(*, group: Group, user: Any) -> Membership:
    """Leave the group in one step; no reason asked (meldeplikt: the group is told).

    The seat is counted down under the row lock and offered to the first
    person on the waiting list.
    """
    locked = _lock_group(group)
    membership = (
        Membership.objects.select_for_update().active().filter(group=locked, user=user).first()
    )
    if membership is None:
        raise DomainError(_("You are not a member of this group any more."), code="not_member")
    if membership.role == Role.INITIATOR:
        raise DomainError(
            _("As an initiator you step back from the group instead of leaving it."),
            code="initiator",
        )
    membership.status = Membership.Status.LEFT
    membership.ended_at = timezone.now()
    membership.save(update_fields=["status", "ended_at"])
    locked.member_count = max(0, locked.member_count - 1)
    locked.save(update_fields=["member_count"])
    GroupNotice.objects.create(group=locked, membership=membership, kind=GroupNotice.Kind.LEFT)
    audit(actor=user, event=AuditEvent.Event.JOINING_MEMBERSHIP_LEFT, target=membership)
    # Their yes or no no longer counts on requests still open.
    for join_request in JoinRequest.objects.filter(
        group=locked, status=JoinRequest.Status.PENDING, decider=Decider.ALL_MEMBERS
    ):
        Consent.objects.filter(join_request=join_request, membership=membership).delete()
        _settle_all_members(join_request=join_request, actor=None)
    waiting_list_offer_next(group=locked)
    return membership


# --- Join requests -----------------------------------------------------------------


@transaction.atomic
def join_request_create(*, group: Group, user: Any, message: str = "") -> JoinRequest:
    """Ask to join ``group``. Who decides follows from the group's state and admission."""
    locked = _lock_group(group)
    if locked.state not in Group.State.JOINABLE or not locked.open_for_new_members:
        raise DomainError(_("This group is not taking new members now."), code="closed")
    if Membership.objects.active().filter(group=locked, user=user).exists():
        raise DomainError(_("You are already a member of this group."), code="duplicate")
    if locked.member_count >= locked.capacity:
        raise DomainError(
            _("The group is full. You can ask to be put on the waiting list."), code="full"
        )
    message = (message or "").strip()
    if len(message) > 300:
        raise DomainError(_("Keep the message to 300 characters or fewer."), code="too_long")
    decider = decider_for(locked)
    deadline = (
        timezone.now() + datetime.timedelta(days=consent_days())
        if decider == Decider.ALL_MEMBERS
        else None
    )
    if JoinRequest.objects.filter(
        group=locked, user=user, status=JoinRequest.Status.PENDING
    ).exists():
        raise DomainError(_("You have already asked to join this group."), code="duplicate")
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                group=locked, user=user, message=message, decider=decider, consent_deadline=deadline
            )
    except IntegrityError as exc:
        raise DomainError(
            _("You have already asked to join this group."), code="duplicate"
        ) from exc
    audit(actor=user, event=AuditEvent.Event.JOINING_REQUEST_CREATED, target=join_request)
    _enqueue_join_request(join_request, exclude_user=user)
    return join_request


def _enqueue_join_request(join_request: JoinRequest, *, exclude_user: Any) -> None:
    """Tell whoever decides: the initiators, or every member (consent)."""
    deciders = Membership.objects.active().filter(group_id=join_request.group_id)
    if join_request.decider == Decider.INITIATOR:
        deciders = deciders.filter(role=Role.INITIATOR)
    for membership in deciders.exclude(user=exclude_user).select_related("user"):
        enqueue(
            key=f"join_request:r={join_request.pk}:u={membership.user_id}",
            kind="join_request",
            recipient=membership.user,
            params={"join_request": join_request.pk},
        )


def may_answer(*, join_request: JoinRequest, membership: Membership | None) -> bool:
    """Whether this participant has a say on this request."""
    if membership is None or membership.status != Membership.Status.ACTIVE:
        return False
    if membership.group_id != join_request.group_id:
        return False
    if join_request.decider == Decider.INITIATOR:
        return membership.role == Role.INITIATOR
    return membership.role == Role.MEMBER


def _pending_locked(join_request: JoinRequest) -> JoinRequest:
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        raise DomainError(_("This request has already been answered."), code="answered")
    return locked


_CLOSED_EVENTS = {
    JoinRequest.Status.ACCEPTED: AuditEvent.Event.JOINING_REQUEST_ACCEPTED,
    JoinRequest.Status.DECLINED: AuditEvent.Event.JOINING_REQUEST_DECLINED,
    JoinRequest.Status.WITHDRAWN: AuditEvent.Event.JOINING_REQUEST_WITHDRAWN,
    JoinRequest.Status.EXPIRED: AuditEvent.Event.JOINING_REQUEST_EXPIRED,
}


def _close(join_request: JoinRequest, status: JoinRequest.Status, actor: Any | None) -> None:
    join_request.status = status
    join_request.decided_at = timezone.now()
    join_request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    audit(actor=actor, event=_CLOSED_EVENTS[status], target=join_request)


def _accept(join_request: JoinRequest, actor: Any | None) -> None:
    group = _lock_group(join_request.group)
    held = WaitingListEntry.objects.filter(
        group=group, status=WaitingListEntry.Status.OFFERED
    ).count()
    if held and group.member_count + held >= group.capacity:
        # The free seats are held for people offered them from the waiting list.
        raise DomainError(_("The group is full."), code="full")
    membership_add(group=join_request.group, user=join_request.user)
    _close(join_request, JoinRequest.Status.ACCEPTED, actor)


def _settle_all_members(*, join_request: JoinRequest, actor: Any | None) -> None:
    """Accept once every active member said yes; decline as soon as one said no."""
    consents = Consent.objects.filter(
        join_request=join_request, membership__status=Membership.Status.ACTIVE
    )
    if consents.filter(agrees=False).exists():
        _close(join_request, JoinRequest.Status.DECLINED, actor)
        return
    members = set(
        Membership.objects.active()
        .filter(group_id=join_request.group_id, role=Role.MEMBER)
        .values_list("pk", flat=True)
    )
    agreed = set(consents.filter(agrees=True).values_list("membership_id", flat=True))
    if members and members <= agreed:
        _accept(join_request, actor)


@transaction.atomic
def join_request_answer(*, join_request: JoinRequest, user: Any, agrees: bool) -> JoinRequest:
    """A participant answers yes or no.

    Initiator or any-member requests are decided by the first answer. When all
    members must agree, each answer is recorded; the request is accepted when
    everyone said yes and declined as soon as anyone says no. Answers after
    the deadline are refused (silence counts as no).
    """
    _lock_group(join_request.group)  # serialises answers with seats being taken
    locked = _pending_locked(join_request)
    membership = Membership.objects.active().filter(group_id=locked.group_id, user=user).first()
    if not may_answer(join_request=locked, membership=membership):
        raise DomainError(_("You cannot answer this request."), code="forbidden")
    assert membership is not None
    if locked.decider != Decider.ALL_MEMBERS:
        if agrees:
            _accept(locked, user)
        else:
            _close(locked, JoinRequest.Status.DECLINED, user)
        return locked
    if locked.consent_deadline is not None and locked.consent_deadline <= timezone.now():
        raise DomainError(
            _("The time to answer this request is over; no answer counts as no."),
            code="deadline",
        )
    if Consent.objects.filter(join_request=locked, membership=membership).exists():
        raise DomainError(_("You have already answered this request."), code="answered")
    Consent.objects.create(join_request=locked, membership=membership, agrees=agrees)
    audit(
        actor=user, event=AuditEvent.Event.JOINING_CONSENT, target=locked, data={"agrees": agrees}
    )
    _settle_all_members(join_request=locked, actor=user)
    return locked


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, user: Any) -> JoinRequest:
    """The seeker takes back a pending request."""
    if join_request.user_id != user.pk:
        raise DomainError(_("This request is not yours."), code="not_owner")
    locked = _pending_locked(join_request)
    _close(locked, JoinRequest.Status.WITHDRAWN, user)
    return locked


@transaction.atomic
def join_requests_expire(*, now: datetime.datetime | None = None) -> int:
    """Close all-members requests whose deadline passed: silence counts as no."""
    now = now or timezone.now()
    expired = list(
        JoinRequest.objects.select_for_update().filter(
            status=JoinRequest.Status.PENDING, consent_deadline__lte=now
        )
    )
    for join_request in expired:
        _close(join_request, JoinRequest.Status.EXPIRED, None)
    return len(expired)


# --- Waiting list -------------------------------------------------------------------


@transaction.atomic
def waiting_list_join(*, group: Group, user: Any) -> WaitingListEntry:
    """Put ``user`` on a full group's waiting list (once)."""
    locked = _lock_group(group)
    if locked.state not in Group.State.JOINABLE or not locked.open_for_new_members:
        raise DomainError(_("This group is not taking new members now."), code="closed")
    if Membership.objects.active().filter(group=locked, user=user).exists():
        raise DomainError(_("You are already a member of this group."), code="duplicate")
    if locked.member_count < locked.capacity:
        raise DomainError(_("The group has a free seat: ask to join instead."), code="not_full")
    active = (WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED)
    if WaitingListEntry.objects.filter(group=locked, user=user, status__in=active).exists():
        raise DomainError(_("You are already on the waiting list."), code="duplicate")
    try:
        with transaction.atomic():
            entry = WaitingListEntry.objects.create(group=locked, user=user)
    except IntegrityError as exc:
        raise DomainError(_("You are already on the waiting list."), code="duplicate") from exc
    audit(actor=user, event=AuditEvent.Event.JOINING_WAITING_LIST_JOINED, target=entry)
    return entry


@transaction.atomic
def waiting_list_offer_next(*, group: Group) -> WaitingListEntry | None:
    """Offer a free seat to the first person waiting, unless an offer is out already.

    One open offer per free seat: the seat is held for the offered person
    until they answer or the offer expires.
    """
    locked = _lock_group(group)
    if locked.state not in Group.State.JOINABLE:
        return None
    offered = WaitingListEntry.objects.filter(
        group=locked, status=WaitingListEntry.Status.OFFERED
    ).count()
    if locked.capacity - locked.member_count - offered <= 0:
        return None
    entry = (
        WaitingListEntry.objects.select_for_update()
        .filter(group=locked, status=WaitingListEntry.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if entry is None:
        return None
    now = timezone.now()
    entry.status = WaitingListEntry.Status.OFFERED
    entry.offered_at = now
    entry.offer_expires_at = now + datetime.timedelta(days=offer_days())
    entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
    audit(actor=None, event=AuditEvent.Event.JOINING_SEAT_OFFERED, target=entry)
    # One key per offer (the time it was made), so a second offer mails again.
    enqueue(
        key=f"seat_offer:e={entry.pk}:t={int(now.timestamp())}",
        kind="seat_offer",
        recipient=entry.user,
        params={"entry": entry.pk},
    )
    return entry


def _own_offer(entry: WaitingListEntry, user: Any) -> WaitingListEntry:
    if entry.user_id != user.pk:
        raise DomainError(_("This offer is not yours."), code="not_owner")
    locked = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != WaitingListEntry.Status.OFFERED:
        raise DomainError(_("This offer is no longer open."), code="answered")
    if locked.offer_expires_at is not None and locked.offer_expires_at <= timezone.now():
        raise DomainError(_("This offer has expired."), code="expired")
    return locked


@transaction.atomic
def waiting_list_accept(*, entry: WaitingListEntry, user: Any) -> Membership:
    """Take the offered seat."""
    _lock_group(entry.group)
    locked = _own_offer(entry, user)
    membership = membership_add(group=locked.group, user=user)
    locked.status = WaitingListEntry.Status.ACCEPTED
    locked.save(update_fields=["status"])
    audit(actor=user, event=AuditEvent.Event.JOINING_OFFER_ACCEPTED, target=locked)
    return membership


@transaction.atomic
def waiting_list_decline(*, entry: WaitingListEntry, user: Any) -> WaitingListEntry:
    """Say no thanks; the seat goes to the next person waiting."""
    _lock_group(entry.group)
    locked = _own_offer(entry, user)
    locked.status = WaitingListEntry.Status.DECLINED
    locked.save(update_fields=["status"])
    audit(actor=user, event=AuditEvent.Event.JOINING_OFFER_DECLINED, target=locked)
    waiting_list_offer_next(group=locked.group)
    return locked


@transaction.atomic
def waiting_list_leave(*, entry: WaitingListEntry, user: Any) -> WaitingListEntry:
    """Leave the waiting list (also while holding an offer)."""
    if entry.user_id != user.pk:
        raise DomainError(_("This is not your place on the list."), code="not_owner")
    _lock_group(entry.group)
    locked = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status not in (WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED):
        raise DomainError(_("You are no longer on this waiting list."), code="answered")
    was_offered = locked.status == WaitingListEntry.Status.OFFERED
    locked.status = WaitingListEntry.Status.WITHDRAWN
    locked.save(update_fields=["status"])
    audit(actor=user, event=AuditEvent.Event.JOINING_WAITING_LIST_LEFT, target=locked)
    if was_offered:
        waiting_list_offer_next(group=locked.group)
    return locked


@transaction.atomic
def waiting_list_expire_offers(*, now: datetime.datetime | None = None) -> int:
    """Expire unanswered offers and pass each seat on to the next person waiting."""
    now = now or timezone.now()
    expired = list(
        WaitingListEntry.objects.select_for_update().filter(
            status=WaitingListEntry.Status.OFFERED, offer_expires_at__lte=now
        )
    )
    for entry in expired:
        entry.status = WaitingListEntry.Status.EXPIRED
        entry.save(update_fields=["status"])
        audit(actor=None, event=AuditEvent.Event.JOINING_OFFER_EXPIRED, target=entry)
    for group_id in {e.group_id for e in expired}:
        waiting_list_offer_next(group=Group(pk=group_id))
    return len(expired)
