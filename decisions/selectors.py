"""Reads about a group's proposals: the open ones with their answers, and the record.

What is proposed and how it ended is said here in words, the same on the
group's page, in its notice feed and in the messages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import when
from groups import lifecycle
from groups.models import Group, Membership

from . import kinds
from .models import Answer, Proposal

Kind = Proposal.Kind
Status = Proposal.Status

# "The proposal to … was not agreed": what a kind would do, in a few words.
WHAT: dict[str, Promise] = {
    Kind.START: gettext_lazy("start the first meetings"),
    Kind.PAUSE: gettext_lazy("take a break"),
    Kind.RESUME: gettext_lazy("meet again after the break"),
    Kind.END: gettext_lazy("end the group"),
    Kind.OPEN: gettext_lazy("open the group for new members"),
    Kind.CLOSE: gettext_lazy("close the group for new members"),
    Kind.SCHEDULE: gettext_lazy("change the meeting time"),
    Kind.PLACE: gettext_lazy("change the meeting place"),
    Kind.PLEDGE_LINES: gettext_lazy("change our own pledge lines"),
    Kind.ADMIT: gettext_lazy("take in a new member"),
    Kind.SEAT: gettext_lazy("give the free seat to the first on the waiting list"),
}

# What the members can propose from the group's own pages; the meeting time
# and the pledge lines are proposed on the pages where they are set.
PROPOSED_HERE = (Kind.PAUSE, Kind.RESUME, Kind.END, Kind.OPEN, Kind.CLOSE, Kind.PLACE)
PROPOSED_ELSEWHERE = {Kind.SCHEDULE: "meetings:schedule", Kind.PLEDGE_LINES: "pledges:group_lines"}


def day(value: datetime.datetime) -> str:
    """A day as the notice feed says it: "1. februar", "1 February"."""
    return when.day_month(value)


def schedule_text(group: Group, details: dict[str, Any]) -> str:
    """A proposed meeting time in plain words, from the proposal's details."""
    proposed = Group(
        weekday=details.get("weekday", group.weekday),
        start_time=datetime.time.fromisoformat(
            details.get("start_time", group.start_time.isoformat())
        ),
        duration_minutes=details.get("duration_minutes", group.duration_minutes),
        cadence=details.get("cadence", group.cadence),
        custom_days=details.get("custom_days", ""),
    )
    return str(proposed.cadence_text)


def describe(proposal: Proposal) -> str:
    """What exactly is proposed, beyond its kind (a new time, a new place, who asks)."""
    if proposal.kind == Kind.SCHEDULE:
        return _("New time: %(schedule)s") % {
            "schedule": schedule_text(proposal.group, proposal.details)
        }
    described = kinds.rule(proposal.kind).describe
    return described(proposal) if described is not None else ""


def outcome_text(proposal: Proposal) -> str:
    """One line for the group's notice feed and the outcome message."""
    what = WHAT[proposal.kind]
    if proposal.status == Status.WITHDRAWN:
        return _("The proposal to %(what)s was withdrawn.") % {"what": what}
    if proposal.status == Status.LAPSED:
        return _("The proposal to %(what)s was not agreed.") % {"what": what}
    if proposal.status == Status.OPEN:
        return _("Proposal: %(what)s.") % {"what": what}
    date = day(proposal.decided_at or proposal.created_at)
    if proposal.by_initiator:
        by_initiators: dict[str, str] = {
            Kind.START: _("The initiators started the first meetings on %(date)s."),
            Kind.END: _("The initiators ended the group on %(date)s."),
        }
        return by_initiators.get(proposal.kind, _("The initiators decided on %(date)s.")) % {
            "date": date
        }
    if proposal.kind == Kind.SCHEDULE:
        return _("The group decided on a new meeting time: %(schedule)s.") % {
            "schedule": schedule_text(proposal.group, proposal.details)
        }
    decided: dict[str, str] = {
        Kind.PAUSE: _("The group decided to take a break from %(date)s."),
        Kind.RESUME: _("The group decided to meet again from %(date)s."),
        Kind.END: _("The group decided to end on %(date)s."),
        Kind.OPEN: _("The group decided on %(date)s to open for new members."),
        Kind.CLOSE: _("The group decided on %(date)s to close for new members."),
        Kind.PLACE: _("The group decided on %(date)s to meet at a new place."),
        Kind.PLEDGE_LINES: _(
            "The group decided on %(date)s on new lines for its confidentiality pledge."
        ),
        Kind.ADMIT: _("The group agreed on %(date)s to take in a new member."),
        Kind.SEAT: _("The group agreed on %(date)s to give the free seat to the next person."),
    }
    return decided[proposal.kind] % {"date": date}


# --- The open proposals, seen by a member ---------------------------------------------


@dataclass
class OpenProposal:
    proposal: Proposal
    title: str
    detail: str
    voters: int
    agreed: int
    objected: int
    own: Answer | None
    may_answer: bool
    may_withdraw: bool
    objections: list[Answer] = field(default_factory=list)


def open_proposals(*, group: Group, membership: Membership) -> list[OpenProposal]:
    """The group's open proposals with their counts and the viewer's own answer.

    Three queries whatever the number of proposals and members.
    """
    proposals = list(
        Proposal.objects.filter(group=group, status=Status.OPEN)
        .select_related("proposed_by__user")
        .order_by("deadline", "pk")
    )
    if not proposals:
        return []
    voters = set(
        Membership.objects.active()
        .filter(group=group, role=Membership.Role.MEMBER)
        .values_list("pk", flat=True)
    )
    answers: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(proposal__in=proposals).select_related("membership__user"):
        answers.setdefault(answer.proposal_id, []).append(answer)
    is_voter = membership.pk in voters
    rows = []
    for proposal in proposals:
        proposal.group = group
        counted = [a for a in answers.get(proposal.pk, []) if a.membership_id in voters]
        own = next((a for a in counted if a.membership_id == membership.pk), None)
        rows.append(
            OpenProposal(
                proposal=proposal,
                title=str(proposal.get_kind_display()),
                detail=describe(proposal),
                voters=len(voters),
                agreed=sum(a.agrees for a in counted),
                objected=sum(not a.agrees for a in counted),
                own=own,
                may_answer=is_voter and own is None,
                may_withdraw=not proposal.is_consent and proposal.proposed_by_id == membership.pk,
                objections=[a for a in counted if not a.agrees],
            )
        )
    return rows


@dataclass(frozen=True)
class Choice:
    kind: str
    label: str
    url_name: str  # where it is proposed (or done, by an initiator)
    at_once: bool  # an initiator's action: one press, no form


def choices(*, group: Group, membership: Membership) -> list[Choice]:
    """What the viewer can propose now (a member of a self-run group), or do (an initiator)."""
    if group.state not in Group.State.RUNS_ITSELF:
        if membership.role != Membership.Role.INITIATOR:
            return []
        # The initiators act at once: their buttons say what the transition does.
        allowed = {t.name: t for t in lifecycle.allowed_actions(user=membership.user, group=group)}
        return [
            Choice(kind, str(allowed[kind].label), "decisions:propose", True)
            for kind in Kind.BY_INITIATORS
            if kind in allowed
        ]
    if membership.role != Membership.Role.MEMBER:
        return []
    open_kinds = set(
        Proposal.objects.filter(group=group, status=Status.OPEN).values_list("kind", flat=True)
    )
    found = []
    for kind in (*PROPOSED_HERE, *PROPOSED_ELSEWHERE):
        rule = kinds.rule(kind)
        probe = Proposal(group=group, kind=kind)
        if kind in open_kinds or not rule.proposable(group):
            continue
        if kind in (Kind.OPEN, Kind.CLOSE) and rule.is_so(probe):
            continue
        found.append(
            Choice(
                kind,
                str(Kind(kind).label),
                PROPOSED_ELSEWHERE.get(kind, "decisions:propose"),
                False,
            )
        )
    return found


def inside_page_part(group: Group, membership: Membership) -> dict[str, Any]:
    """The open proposals at the top of the inside page (registered with ``groups.inside``)."""
    return {
        "open_proposals": open_proposals(group=group, membership=membership),
        "proposal_choices": choices(group=group, membership=membership),
    }


# --- The record --------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedLine:
    at: datetime.datetime
    text: str


def decided_for_feed(*, group: Group, limit: int = 10) -> list[FeedLine]:
    """How the group's proposals ended, newest first, for its notice feed.

    Consent to new members is left out: the feed says who joined.
    """
    decided = (
        Proposal.objects.filter(group=group)
        .exclude(status=Status.OPEN)
        .exclude(kind__in=Kind.CONSENT)
        .order_by("-decided_at", "-pk")[:limit]
    )
    lines = []
    for proposal in decided:
        proposal.group = group
        assert proposal.decided_at is not None
        lines.append(FeedLine(at=proposal.decided_at, text=outcome_text(proposal)))
    return lines


def history(*, group: Group, limit: int = 30) -> list[Proposal]:
    return list(
        Proposal.objects.filter(group=group)
        .exclude(status=Status.OPEN)
        .exclude(kind__in=Kind.CONSENT)
        .select_related("proposed_by__user")
        .order_by("-decided_at", "-pk")[:limit]
    )


def proposal_get_for_group(*, group: Group, pk: int) -> Proposal:
    """A proposal of ``group``; another group's id answers 404."""
    return get_object_or_404(Proposal, group=group, pk=pk)
