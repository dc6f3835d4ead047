"""Answers at the same moment, and a member leaving as the last answer comes in.

Needs real row locks, so the threaded tests run on PostgreSQL only (SQLite
lets one writer in at a time by locking the whole file). Every decision
service locks the group row first, then the proposal row; leaving locks the
group row too, so the proposal is settled exactly once whatever the order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection

from core.models import AuditEvent
from core.services import DomainError
from decisions import services
from decisions.models import Proposal
from groups.models import Group, Membership
from joining.services import membership_leave
from notifications.models import OutgoingMessage

from .conftest import self_run_group

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; SQLite locks the whole file",
    ),
]


def run_at_once(*actions: Callable[[], None]) -> list[str]:
    """Start every action at the same moment in a thread of its own; their outcomes."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _passed_once(proposal: Proposal) -> None:
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PASSED
    assert (
        AuditEvent.objects.filter(
            event=AuditEvent.Event.DECISION_PASSED, target_id=str(proposal.pk)
        ).count()
        == 1
    )


def test_the_last_answers_at_the_same_moment_pass_the_proposal_once():
    group, (a, *others) = self_run_group(6)
    proposal = services.proposal_create(group=group, user=a.user, kind=Proposal.Kind.PAUSE)

    def agree(member: Membership) -> Callable[[], None]:
        return lambda: services.proposal_answer(
            proposal=Proposal(pk=proposal.pk, group_id=group.pk), user=member.user, agrees=True
        )

    assert run_at_once(*(agree(m) for m in others)) == ["ok"] * len(others)
    _passed_once(proposal)
    group.refresh_from_db()
    assert group.state == Group.State.PAUSED
    assert AuditEvent.objects.filter(event=AuditEvent.Event.GROUP_PAUSE).count() == 1
    # One outcome message per member, not one per answer that came in last.
    assert OutgoingMessage.objects.filter(kind="proposal_outcome").count() == 6


def test_the_same_member_answering_twice_at_once_counts_once():
    group, (a, b, _c) = self_run_group(3)
    proposal = services.proposal_create(group=group, user=a.user, kind=Proposal.Kind.END)

    def agree() -> None:
        services.proposal_answer(
            proposal=Proposal(pk=proposal.pk, group_id=group.pk), user=b.user, agrees=True
        )

    assert sorted(run_at_once(agree, agree)) == ["answered", "ok"]
    assert proposal.answers.count() == 2
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN


@pytest.mark.parametrize("rounds", range(3))
def test_a_member_leaves_while_the_last_answer_comes_in(rounds):
    """Whichever commits first, the proposal passes once and the leaver is gone."""
    group, (a, b, c, d) = self_run_group(4)
    proposal = services.proposal_create(group=group, user=a.user, kind=Proposal.Kind.END)
    services.proposal_answer(proposal=proposal, user=b.user, agrees=True)

    outcomes = run_at_once(
        lambda: services.proposal_answer(
            proposal=Proposal(pk=proposal.pk, group_id=group.pk), user=c.user, agrees=True
        ),
        lambda: membership_leave(group=Group(pk=group.pk), user=d.user),
    )

    assert outcomes == ["ok", "ok"]
    _passed_once(proposal)
    group.refresh_from_db()
    assert group.state == Group.State.ENDED
    d.refresh_from_db()
    assert d.status == Membership.Status.LEFT
    assert group.member_count == 3
    assert AuditEvent.objects.filter(event=AuditEvent.Event.GROUP_END).count() == 1
