"""Writes for joining and leaving a group.

``membership_add`` is the one place a seat is taken: it locks the group row,
so two people taking the last seat at once end with one member. Join
requests, waiting-list offers and interest-list invitations all go through it.

Where every member must agree to a new member (a self-run group with closed
admission), a join request, and a waiting-list seat the person said yes to,
are put to the members as a consent proposal (``decisions``); what follows
when it passes or lapses is registered from here (``register_consent_kinds``).

The person asking is always told how it ended, kindly and without a reason
(``join_welcome``, ``join_not_this_time``, ``seat_lapsed``). Audit rows carry
ids only; e-mails are queued in the outbox with ids only.
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
from decisions import kinds as decision_kinds
from decisions import services as decisions
from decisions.models import Answer, Proposal
from groups.models import Group, Membership
from notifications.services import enqueue

from .models import GroupNotice, JoinRequest, WaitingListEntry

Decider = JoinRequest.Decider
Role = Membership.Role
Holding = WaitingListEntry.Status.HOLDING


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
    audit(actor=None, event=AuditEvent.Event.JOINING_MEMBERSHIP_ADDED, target=membership)
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
    audit(actor=None, event=AuditEvent.Event.JOINING_MEMBERSHIP_LEFT, target=membership)
    # Their answers no longer count: what the rest agreed may now pass.
    decisions.proposals_member_left(group=locked)
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
    if JoinRequest.objects.filter(
        group=locked, user=user, status=JoinRequest.Status.PENDING
    ).exists():
        raise DomainError(_("You have already asked to join this group."), code="duplicate")
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                group=locked, user=user, message=message, decider=decider
            )
    except IntegrityError as exc:
        raise DomainError(
            _("You have already asked to join this group."), code="duplicate"
        ) from exc
    audit(actor=None, event=AuditEvent.Event.JOINING_REQUEST_CREATED, target=join_request)
    if decider == Decider.ALL_MEMBERS:
        # Every member is asked, by the decisions app.
        join_request.consent = decisions.consent_open(group=locked, kind=Proposal.Kind.ADMIT)
        join_request.consent_deadline = join_request.consent.deadline
        join_request.save(update_fields=["consent", "consent_deadline"])
    else:
        _enqueue_join_request(join_request)
    return join_request


def _enqueue_join_request(join_request: JoinRequest) -> None:
    """Tell whoever decides alone: the initiators, or (open admission) every member."""
    deciders = Membership.objects.active().filter(group_id=join_request.group_id)
    if join_request.decider == Decider.INITIATOR:
        deciders = deciders.filter(role=Role.INITIATOR)
    for membership in deciders.select_related("user"):
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
    audit(actor=None, event=_CLOSED_EVENTS[status], target=join_request)
    if status in (JoinRequest.Status.DECLINED, JoinRequest.Status.EXPIRED):
        # Kindly, without a reason: declined and expired read the same.
        enqueue(
            key=f"join_not_this_time:r={join_request.pk}",
            kind="join_not_this_time",
            recipient=join_request.user,
            params={"join_request": join_request.pk},
        )


def _welcome(membership: Membership) -> None:
    enqueue(
        key=f"join_welcome:m={membership.pk}",
        kind="join_welcome",
        recipient=membership.user,
        params={"membership": membership.pk},
    )


def _held_seats(group: Group) -> int:
    return WaitingListEntry.objects.filter(group=group, status__in=Holding).count()


def _accept(join_request: JoinRequest, actor: Any | None) -> None:
    group = _lock_group(join_request.group)
    held = _held_seats(group)
    if held and group.member_count + held >= group.capacity:
        # The free seats are held for people offered them from the waiting list.
        raise DomainError(_("The group is full."), code="full")
    membership = membership_add(group=join_request.group, user=join_request.user)
    _close(join_request, JoinRequest.Status.ACCEPTED, actor)
    _welcome(membership)


@transaction.atomic
def join_request_answer(*, join_request: JoinRequest, user: Any, agrees: bool) -> JoinRequest:
    """A participant answers yes or no.

    Initiator or any-member requests are decided by the first answer. When all
    members must agree, the answer goes to the request's consent proposal
    (``decisions``): accepted once everyone said yes, not accepted as soon as
    anyone says no, and silence until the deadline counts as no.
    """
    _lock_group(join_request.group)  # serialises answers with seats being taken
    locked = _pending_locked(join_request)
    membership = Membership.objects.active().filter(group_id=locked.group_id, user=user).first()
    if not may_answer(join_request=locked, membership=membership):
        raise DomainError(_("You cannot answer this request."), code="forbidden")
    if locked.consent is None:
        if agrees:
            _accept(locked, user)
        else:
            _close(locked, JoinRequest.Status.DECLINED, user)
        return locked
    decisions.proposal_answer(proposal=locked.consent, user=user, agrees=agrees)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, user: Any) -> JoinRequest:
    """The seeker takes back a pending request."""
    if join_request.user_id != user.pk:
        raise DomainError(_("This request is not yours."), code="not_owner")
    _lock_group(join_request.group)
    locked = _pending_locked(join_request)
    _close(locked, JoinRequest.Status.WITHDRAWN, user)
    if locked.consent is not None:
        decisions.consent_withdraw(proposal=locked.consent)
    return locked


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
    on_list = WaitingListEntry.Status.ON_LIST
    if WaitingListEntry.objects.filter(group=locked, user=user, status__in=on_list).exists():
        raise DomainError(_("You are already on the waiting list."), code="duplicate")
    try:
        with transaction.atomic():
            entry = WaitingListEntry.objects.create(group=locked, user=user)
    except IntegrityError as exc:
        raise DomainError(_("You are already on the waiting list."), code="duplicate") from exc
    audit(actor=None, event=AuditEvent.Event.JOINING_WAITING_LIST_JOINED, target=entry)
    return entry


@transaction.atomic
def waiting_list_offer_next(*, group: Group) -> WaitingListEntry | None:
    """Offer a free seat to the first person waiting, unless an offer is out already.

    One open offer per free seat: the seat is held for the offered person
    until they answer, the offer expires, or (where every member must agree)
    the members have answered.
    """
    locked = _lock_group(group)
    if locked.state not in Group.State.JOINABLE:
        return None
    if locked.capacity - locked.member_count - _held_seats(locked) <= 0:
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
    if locked.status == WaitingListEntry.Status.ASKED:
        raise DomainError(
            _("You have said yes to the seat; the group's members are answering now."),
            code="answered",
        )
    if locked.status != WaitingListEntry.Status.OFFERED:
        raise DomainError(_("This offer is no longer open."), code="answered")
    if locked.offer_expires_at is not None and locked.offer_expires_at <= timezone.now():
        raise DomainError(_("This offer has expired."), code="expired")
    return locked


@transaction.atomic
def waiting_list_accept(*, entry: WaitingListEntry, user: Any) -> Membership | None:
    """Say yes to the offered seat.

    Where any member may accept new members (or the initiators still guide
    the group), the person takes the seat at once. Where every member must
    agree, the seat is put to them and stays held until they have answered
    (returns None); the person hears how it ended.
    """
    group = _lock_group(entry.group)
    locked = _own_offer(entry, user)
    if decider_for(group) == Decider.ALL_MEMBERS:
        consent = decisions.consent_open(group=group, kind=Proposal.Kind.SEAT)
        locked.status = WaitingListEntry.Status.ASKED
        locked.consent = consent
        locked.offer_expires_at = consent.deadline
        locked.save(update_fields=["status", "consent", "offer_expires_at"])
        audit(actor=None, event=AuditEvent.Event.JOINING_SEAT_ASKED, target=locked)
        return None
    membership = membership_add(group=locked.group, user=user)
    locked.status = WaitingListEntry.Status.ACCEPTED
    locked.save(update_fields=["status"])
    audit(actor=None, event=AuditEvent.Event.JOINING_OFFER_ACCEPTED, target=locked)
    return membership


@transaction.atomic
def waiting_list_decline(*, entry: WaitingListEntry, user: Any) -> WaitingListEntry:
    """Say no thanks; the seat goes to the next person waiting."""
    _lock_group(entry.group)
    locked = _own_offer(entry, user)
    locked.status = WaitingListEntry.Status.DECLINED
    locked.save(update_fields=["status"])
    audit(actor=None, event=AuditEvent.Event.JOINING_OFFER_DECLINED, target=locked)
    waiting_list_offer_next(group=locked.group)
    return locked


@transaction.atomic
def waiting_list_leave(*, entry: WaitingListEntry, user: Any) -> WaitingListEntry:
    """Leave the waiting list (also while holding a seat, or while the members answer)."""
    if entry.user_id != user.pk:
        raise DomainError(_("This is not your place on the list."), code="not_owner")
    _lock_group(entry.group)
    locked = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status not in WaitingListEntry.Status.ON_LIST:
        raise DomainError(_("You are no longer on this waiting list."), code="answered")
    was_holding = locked.status in Holding
    locked.status = WaitingListEntry.Status.WITHDRAWN
    locked.save(update_fields=["status"])
    audit(actor=None, event=AuditEvent.Event.JOINING_WAITING_LIST_LEFT, target=locked)
    if locked.consent is not None:
        decisions.consent_withdraw(proposal=locked.consent)
    if was_holding:
        waiting_list_offer_next(group=locked.group)
    return locked


def _seat_lapsed(entry: WaitingListEntry) -> None:
    """The seat is no longer held for the person: tell them kindly, offer it on."""
    entry.status = WaitingListEntry.Status.EXPIRED
    entry.save(update_fields=["status"])
    audit(actor=None, event=AuditEvent.Event.JOINING_OFFER_EXPIRED, target=entry)
    enqueue(
        key=f"seat_lapsed:e={entry.pk}",
        kind="seat_lapsed",
        recipient=entry.user,
        params={"entry": entry.pk},
    )


@transaction.atomic
def waiting_list_expire_offers(*, now: datetime.datetime | None = None) -> int:
    """Expire offers nobody answered and pass each seat on to the next person waiting.

    Seats the person said yes to wait for the members' answer instead
    (``decisions``), which ends in ``seat_consent_lapsed`` or a membership.
    """
    now = now or timezone.now()
    expired = list(
        WaitingListEntry.objects.select_for_update().filter(
            status=WaitingListEntry.Status.OFFERED, offer_expires_at__lte=now
        )
    )
    for entry in expired:
        _seat_lapsed(entry)
    for group_id in {e.group_id for e in expired}:
        waiting_list_offer_next(group=Group(pk=group_id))
    return len(expired)


# --- Consent: what follows when the members' answer is in ----------------------------


def _request_of(proposal: Proposal) -> JoinRequest:
    return JoinRequest.objects.select_for_update().select_related("group").get(consent=proposal)


def _entry_of(proposal: Proposal) -> WaitingListEntry:
    return (
        WaitingListEntry.objects.select_for_update()
        .select_related("group", "user")
        .get(consent=proposal)
    )


def admit_carry_out(proposal: Proposal) -> None:
    """Everyone said yes to a join request: the person gets a seat (if one is free)."""
    join_request = _request_of(proposal)
    if join_request.status == JoinRequest.Status.PENDING:
        _accept(join_request, None)


def admit_lapsed(proposal: Proposal) -> None:
    """Someone said no, or not everyone answered in time: the request is not accepted."""
    join_request = _request_of(proposal)
    if join_request.status != JoinRequest.Status.PENDING:
        return
    objected = Answer.objects.filter(proposal=proposal, agrees=False).exists()
    _close(
        join_request,
        JoinRequest.Status.DECLINED if objected else JoinRequest.Status.EXPIRED,
        None,
    )


def seat_carry_out(proposal: Proposal) -> None:
    """Everyone said yes to the person first on the waiting list: they take the held seat."""
    entry = _entry_of(proposal)
    if entry.status != WaitingListEntry.Status.ASKED:
        raise DomainError(_("This offer is no longer open."), code="answered")
    membership = membership_add(group=entry.group, user=entry.user)
    entry.status = WaitingListEntry.Status.ACCEPTED
    entry.save(update_fields=["status"])
    audit(actor=None, event=AuditEvent.Event.JOINING_OFFER_ACCEPTED, target=entry)
    _welcome(membership)


def seat_consent_lapsed(proposal: Proposal) -> None:
    """The members did not all say yes in time: the seat passes to the next person."""
    entry = _entry_of(proposal)
    if entry.status != WaitingListEntry.Status.ASKED:
        return
    _seat_lapsed(entry)
    waiting_list_offer_next(group=entry.group)


def _describe_request(proposal: Proposal) -> str:
    join_request = JoinRequest.objects.select_related("user").filter(consent=proposal).first()
    if join_request is None:
        return ""
    text = _("%(name)s asks to join the group.") % {"name": join_request.user.display_name}
    if join_request.message:
        text += " " + _("Their message: “%(message)s”") % {"message": join_request.message}
    return text


def _describe_seat(proposal: Proposal) -> str:
    entry = WaitingListEntry.objects.select_related("user").filter(consent=proposal).first()
    if entry is None:
        return ""
    return _("A seat is free. %(name)s, first on the waiting list, would like it.") % {
        "name": entry.user.display_name
    }


def register_consent_kinds() -> None:
    """What consent to a new member does (``joining/apps.py``, for ``decisions``)."""
    decision_kinds.register(
        Proposal.Kind.ADMIT,
        carry_out=admit_carry_out,
        lapsed=admit_lapsed,
        describe=_describe_request,
        proposable=lambda group: False,  # opened by a join request only
    )
    decision_kinds.register(
        Proposal.Kind.SEAT,
        carry_out=seat_carry_out,
        lapsed=seat_consent_lapsed,
        describe=_describe_seat,
        proposable=lambda group: False,  # opened by a waiting-list seat only
    )
