"""Deciding together: propose, answer, withdraw, and the rule that settles a proposal.

Once a group runs itself, a change to it is a proposal. Any active member may
propose; every other member is asked. A proposal **passes** as soon as every
active member has agreed, or, when its time is over
(``SELVHJELP_CONSENT_DAYS``), if more than half agreed and nobody objected;
otherwise it **lapses**. The member who proposed it may withdraw it. There is
one open proposal per kind, and nothing changes before it passes.

Consent to a new member (``Proposal.Kind.CONSENT``: a join request or a
waiting-list seat in a group where everyone must agree) is the same proposal
with a stricter rule: every member's yes within the time; an objection ends
it at once and silence is no. ``joining`` opens it and says what follows.

Before a group runs itself its initiators steer the start: what they do at
once (start the first meetings, end the group) is recorded as a proposal that
passed (``by_initiator``), so that the members see it.

Every service locks the group row first and the proposal row next, the order
``joining.services.membership_leave`` uses as well, so that answers given at
the same moment, and a member leaving while the last answer comes in, settle
a proposal exactly once. Messages go through the outbox under keys that make
a second row impossible; audit rows carry ids only.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit
from groups import lifecycle
from groups.models import Group, Membership
from notifications.services import enqueue

from . import kinds
from .models import Answer, Proposal

Kind = Proposal.Kind
Status = Proposal.Status
NOTE_MAX = 300

_CLOSED_EVENTS = {
    Status.PASSED: AuditEvent.Event.DECISION_PASSED,
    Status.LAPSED: AuditEvent.Event.DECISION_LAPSED,
    Status.WITHDRAWN: AuditEvent.Event.DECISION_WITHDRAWN,
}


def decision_days() -> int:
    return int(settings.SELVHJELP_CONSENT_DAYS)


def _lock_group(group_id: int) -> Group:
    return Group.objects.select_for_update().get(pk=group_id)


def voters(*, group_id: int) -> QuerySet[Membership]:
    """Who has a say: the group's active members (initiators have stepped back by then)."""
    return Membership.objects.active().filter(group_id=group_id, role=Membership.Role.MEMBER)


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(
            _("Keep the note to %(count)d characters or fewer.") % {"count": NOTE_MAX},
            code="too_long",
        )
    return note


def closed_message(proposal: Proposal) -> str:
    """What someone who answers a closed proposal is told."""
    if proposal.status == Status.PASSED:
        return _("This proposal has already passed. Nothing was changed by your answer.")
    if proposal.status == Status.WITHDRAWN:
        return _("This proposal was withdrawn. Nothing was changed by your answer.")
    return _("This proposal has lapsed. Nothing was changed by your answer.")


# --- Proposing ----------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    group: Group,
    user: Any,
    kind: str,
    note: str = "",
    details: dict[str, Any] | None = None,
    text: str = "",
) -> Proposal:
    """``user`` proposes a change of ``kind`` to ``group``.

    In a self-run or paused group, any active member may; the others are
    asked, and a group of one decides at once. Before that, an initiator's
    start or end is done at once and recorded; members cannot propose yet.
    Refused: consent kinds (``consent_open``), what cannot be done in the
    group's state, what is already so, and a second open proposal of a kind.
    """
    locked = _lock_group(group.pk)
    membership = Membership.objects.active().filter(group=locked, user=user).first()
    if membership is None:
        raise DomainError(_("Only the group's members can propose."), code="forbidden")
    if kind not in Kind.values or kind in Kind.CONSENT:
        raise DomainError(_("Unknown proposal."), code="unknown")
    note = _clean_note(note)
    if locked.state not in Group.State.RUNS_ITSELF:
        if membership.role == Membership.Role.INITIATOR and kind in Kind.BY_INITIATORS:
            return _initiator_acts(locked, membership, kind)
        raise DomainError(
            _("Until the group runs itself, its initiators take care of the start."),
            code="wrong_state",
        )
    rule = kinds.rule(kind)
    if not rule.proposable(locked):
        raise DomainError(
            _("That cannot be proposed while the group is “%(state)s”.")
            % {"state": locked.get_state_display()},
            code="wrong_state",
        )
    if Proposal.objects.filter(group=locked, kind=kind, status=Status.OPEN).exists():
        raise DomainError(
            _("There is already an open proposal about this. Answer that one instead."),
            code="duplicate",
        )
    now = timezone.now()
    proposal = Proposal(
        group=locked,
        kind=kind,
        proposed_by=membership,
        note=note,
        details=details or {},
        text=(text or "").strip(),
        deadline=now + datetime.timedelta(days=decision_days()),
    )
    if rule.is_so(proposal):
        raise DomainError(_("It is already so: there is nothing to decide."), code="no_change")
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as exc:  # a concurrent twin slipped past the check
        raise DomainError(
            _("There is already an open proposal about this. Answer that one instead."),
            code="duplicate",
        ) from exc
    # Proposing is agreeing.
    Answer.objects.create(proposal=proposal, membership=membership, agrees=True)
    audit(
        actor=None,
        event=AuditEvent.Event.DECISION_PROPOSED,
        target=proposal,
        data={"group": locked.pk, "kind": kind},
    )
    _ask(proposal, exclude=membership)
    _settle(proposal, now)
    return proposal


def _initiator_acts(group: Group, membership: Membership, kind: str) -> Proposal:
    """An initiator steers the start: done at once, recorded for the members to see."""
    lifecycle.group_transition(group=group, action=kind, actor=membership.user)
    now = timezone.now()
    return Proposal.objects.create(
        group=group,
        kind=kind,
        status=Status.PASSED,
        proposed_by=membership,
        by_initiator=True,
        deadline=now,
        decided_at=now,
    )


def consent_open(*, group: Group, kind: str) -> Proposal:
    """Put a new member to the group (``joining``): every member must say yes in time.

    Call inside the caller's transaction, with the group row locked. Every
    member is asked; the caller links its request or seat to the proposal.
    """
    if kind not in Kind.CONSENT:
        raise ValueError(f"{kind!r} is not consent to a new member")
    proposal = Proposal.objects.create(
        group=group,
        kind=kind,
        deadline=timezone.now() + datetime.timedelta(days=decision_days()),
    )
    audit(
        actor=None,
        event=AuditEvent.Event.DECISION_PROPOSED,
        target=proposal,
        data={"group": group.pk, "kind": kind},
    )
    _ask(proposal, exclude=None)
    return proposal


# --- Answering and withdrawing -------------------------------------------------------


@transaction.atomic
def proposal_answer(*, proposal: Proposal, user: Any, agrees: bool, note: str = "") -> Proposal:
    """An active member agrees or objects (an objection may carry a note), once.

    Refused, changing nothing: a proposal that passed, lapsed or was
    withdrawn, one whose time is over, a second answer, and anyone who is
    not an active member of the group.
    """
    _lock_group(proposal.group_id)
    locked = Proposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
    if not locked.is_open:
        raise DomainError(closed_message(locked), code="closed")
    now = timezone.now()
    if locked.deadline <= now:
        raise DomainError(
            _("The time to answer this proposal is over. Nothing was changed by your answer."),
            code="deadline",
        )
    membership = voters(group_id=locked.group_id).filter(user=user).first()
    if membership is None:
        raise DomainError(_("Only the group's members answer its proposals."), code="forbidden")
    if Answer.objects.filter(proposal=locked, membership=membership).exists():
        raise DomainError(_("You have already answered this proposal."), code="answered")
    note = _clean_note(note) if not agrees else ""
    try:
        with transaction.atomic():
            Answer.objects.create(proposal=locked, membership=membership, agrees=agrees, note=note)
    except IntegrityError as exc:
        raise DomainError(_("You have already answered this proposal."), code="answered") from exc
    audit(
        actor=None,
        event=AuditEvent.Event.DECISION_ANSWERED,
        target=locked,
        data={"group": locked.group_id, "agrees": agrees},
    )
    _settle(locked, now)
    return locked


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, user: Any) -> Proposal:
    """The member who proposed it takes the proposal back; the others are told."""
    _lock_group(proposal.group_id)
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not locked.is_open:
        raise DomainError(closed_message(locked), code="closed")
    proposer = locked.proposed_by
    if (
        locked.is_consent
        or proposer is None
        or proposer.user_id != user.pk
        or proposer.status != Membership.Status.ACTIVE
    ):
        raise DomainError(
            _("Only the member who made the proposal can withdraw it."), code="forbidden"
        )
    _close(locked, Status.WITHDRAWN, timezone.now(), actor=user)
    return locked


def consent_withdraw(*, proposal: Proposal) -> None:
    """The person asking withdrew (``joining``): the members need not answer any more.

    Call inside the caller's transaction, with the group row locked.
    """
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.is_open:
        _close(locked, Status.WITHDRAWN, timezone.now(), run_lapsed=False)


# --- Settling --------------------------------------------------------------------------


def proposals_member_left(*, group: Group) -> None:
    """A member left (``joining``): their answer no longer counts, and the rest may now agree.

    Call inside the caller's transaction, with the group row locked.
    """
    now = timezone.now()
    for proposal in Proposal.objects.select_for_update().filter(group=group, status=Status.OPEN):
        _settle(proposal, now)


def proposals_settle_due(*, now: datetime.datetime | None = None) -> int:
    """Close every open proposal whose time is over (the hourly beat task).

    Each proposal in a transaction of its own, under the group and proposal
    locks; one already settled is skipped, so a second run closes nothing.
    Returns how many were closed.
    """
    now = now or timezone.now()
    due = list(
        Proposal.objects.filter(status=Status.OPEN, deadline__lte=now)
        .order_by("deadline", "pk")
        .values_list("pk", "group_id")
    )
    closed = 0
    for pk, group_id in due:
        with transaction.atomic():
            _lock_group(group_id)
            proposal = Proposal.objects.select_for_update().get(pk=pk)
            if proposal.is_open and proposal.deadline <= now:
                closed += _settle(proposal, now) is not None
    return closed


def tally(proposal: Proposal) -> tuple[set[int], set[int], set[int]]:
    """(voters, agreed, objected): membership ids, counting active members only."""
    who = set(voters(group_id=proposal.group_id).values_list("pk", flat=True))
    answers = Answer.objects.filter(proposal=proposal, membership_id__in=who)
    agreed = set(answers.filter(agrees=True).values_list("membership_id", flat=True))
    objected = set(answers.filter(agrees=False).values_list("membership_id", flat=True))
    return who, agreed, objected


def outcome_of(
    *, consent: bool, voters: int, agreed: int, objected: int, time_is_over: bool
) -> str | None:
    """The passing rule: PASSED, LAPSED, or None while the proposal stays open."""
    if voters and agreed >= voters:
        return Status.PASSED
    if consent and objected:
        return Status.LAPSED
    if time_is_over:
        if not consent and not objected and agreed * 2 > voters:
            return Status.PASSED
        return Status.LAPSED
    return None


def _settle(proposal: Proposal, now: datetime.datetime) -> str | None:
    who, agreed, objected = tally(proposal)
    outcome = outcome_of(
        consent=proposal.is_consent,
        voters=len(who),
        agreed=len(agreed),
        objected=len(objected),
        time_is_over=proposal.deadline <= now,
    )
    if outcome == Status.PASSED:
        return _pass(proposal, now)
    if outcome == Status.LAPSED:
        _close(proposal, Status.LAPSED, now)
    return outcome


def _pass(proposal: Proposal, now: datetime.datetime) -> str:
    proposal.group = Group.objects.get(pk=proposal.group_id)
    try:
        with transaction.atomic():
            kinds.rule(proposal.kind).carry_out(proposal)
    except DomainError:
        # Everyone agreed, but it can no longer be done (the seat was taken,
        # the group ended meanwhile): nothing changed, the proposal lapses.
        _close(proposal, Status.LAPSED, now, data={"not_carried_out": True})
        return Status.LAPSED
    _close(proposal, Status.PASSED, now)
    _close_moot(proposal, now)
    return Status.PASSED


def _close_moot(passed: Proposal, now: datetime.datetime) -> None:
    """Open proposals the passed one made pointless (the group ended, it is now so)."""
    group = Group.objects.get(pk=passed.group_id)
    others = Proposal.objects.select_for_update().filter(group=group, status=Status.OPEN)
    for other in others.exclude(pk=passed.pk):
        other.group = group
        if group.state == Group.State.ENDED:
            moot = True
        elif other.is_consent:
            moot = False
        else:
            rule = kinds.rule(other.kind)
            moot = not rule.proposable(group) or rule.is_so(other)
        if moot:
            _close(other, Status.LAPSED, now, notify=False, data={"moot": True})


def _close(
    proposal: Proposal,
    status: str,
    now: datetime.datetime,
    *,
    actor: Any = None,
    notify: bool = True,
    run_lapsed: bool = True,
    data: dict[str, Any] | None = None,
) -> None:
    proposal.status = status
    proposal.decided_at = now
    # A new place or new lines now live on the group, or were not wanted.
    proposal.text = ""
    proposal.save(update_fields=["status", "decided_at", "text"])
    audit(
        actor=None,
        event=_CLOSED_EVENTS[Status(status)],
        target=proposal,
        data={"group": proposal.group_id, "kind": proposal.kind, **(data or {})},
    )
    rule = kinds.rule(proposal.kind)
    if status == Status.LAPSED and run_lapsed and rule.lapsed is not None:
        rule.lapsed(proposal)
    if notify and not proposal.is_consent:
        _tell_outcome(proposal)


# --- Messages ----------------------------------------------------------------------------


def _ask(proposal: Proposal, *, exclude: Membership | None) -> None:
    """A neutral notice to every member who is asked (no theme, no group name)."""
    asked = voters(group_id=proposal.group_id).select_related("user")
    if exclude is not None:
        asked = asked.exclude(pk=exclude.pk)
    for membership in asked:
        enqueue(
            key=f"proposal:p={proposal.pk}:u={membership.user_id}",
            kind="proposal",
            recipient=membership.user,
            params={"proposal": proposal.pk},
        )


def _tell_outcome(proposal: Proposal) -> None:
    """Everyone in the group hears how a proposal to change it ended."""
    members = Membership.objects.active().filter(group_id=proposal.group_id).select_related("user")
    for membership in members:
        enqueue(
            key=f"proposal_outcome:p={proposal.pk}:u={membership.user_id}",
            kind="proposal_outcome",
            recipient=membership.user,
            params={"proposal": proposal.pk},
        )
