"""Proposals and answers (see ``core.personal_data``).

A proposal belongs to its group: it stays as the group's record of what it
decided when the member who made it leaves or deletes their account; then it
no longer says who proposed it, and its note is emptied. An answer is the
member's own and goes with their membership. Notes (the proposal's and an
objection's) are emptied ``SELVHJELP_RETAIN_DECISION_NOTES_DAYS`` after the
proposal was decided: what was decided, and when, stays.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q

from core.personal_data import (
    ExportSection,
    Person,
    PersonalData,
    RetentionRule,
    before,
    iso,
    register,
)

from .models import Answer, Proposal

CONSENT = Proposal.Kind.CONSENT


def _answers(user: Any, *, consent: bool) -> dict[int, list[dict[str, Any]]]:
    answers: dict[int, list[dict[str, Any]]] = {}
    found = Answer.objects.filter(membership__user=user).select_related("proposal")
    found = (
        found.filter(proposal__kind__in=CONSENT)
        if consent
        else found.exclude(proposal__kind__in=CONSENT)
    )
    for answer in found.order_by("pk"):
        row: dict[str, Any] = {"agrees": answer.agrees, "answered_at": iso(answer.created_at)}
        if not consent:
            row = {"proposal": answer.proposal.kind, **row, "note": answer.note}
        answers.setdefault(answer.membership_id, []).append(row)
    return answers


def _answers_to_join_requests(user: Any) -> dict[int, list[dict[str, Any]]]:
    return _answers(user, consent=True)


def _answers_to_proposals(user: Any) -> dict[int, list[dict[str, Any]]]:
    return _answers(user, consent=False)


def _proposals_made(user: Any) -> dict[int, list[dict[str, Any]]]:
    made: dict[int, list[dict[str, Any]]] = {}
    for proposal in Proposal.objects.filter(proposed_by__user=user).order_by("pk"):
        assert proposal.proposed_by_id is not None
        made.setdefault(proposal.proposed_by_id, []).append(
            {
                "proposal": proposal.kind,
                "note": proposal.note,
                "status": proposal.status,
                "proposed_at": iso(proposal.created_at),
                "decided_at": iso(proposal.decided_at),
            }
        )
    return made


def empty_old_notes(now: datetime.datetime) -> int:
    """Notes of proposals decided long ago are emptied; the decision itself stays."""
    cutoff = before(now, "SELVHJELP_RETAIN_DECISION_NOTES_DAYS")
    old = Q(decided_at__lt=cutoff)
    proposals = Proposal.objects.filter(old).exclude(note="").update(note="")
    answers = (
        Answer.objects.filter(Q(proposal__decided_at__lt=cutoff)).exclude(note="").update(note="")
    )
    return proposals + answers


class DecisionsData(PersonalData):
    app_label = "decisions"
    models = ("decisions.Proposal", "decisions.Answer")
    links = {
        "decisions.Proposal.proposed_by": "memberships[].proposals_made",
        "decisions.Answer.membership": "memberships[].answers_to_proposals "
        "(and memberships[].answers_to_join_requests)",
    }
    sections = (
        ExportSection("memberships[].answers_to_join_requests", _answers_to_join_requests),
        ExportSection("memberships[].proposals_made", _proposals_made),
        ExportSection("memberships[].answers_to_proposals", _answers_to_proposals),
    )
    retention = (
        RetentionRule("decision_notes", empty_old_notes, "SELVHJELP_RETAIN_DECISION_NOTES_DAYS"),
    )

    def erase(self, *, person: Person) -> None:
        # The group keeps what it decided, not who proposed it or why.
        Proposal.objects.filter(proposed_by__user=person.user).update(note="", text="")


register(DecisionsData())
