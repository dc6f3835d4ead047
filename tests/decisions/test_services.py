"""Deciding together, through the services: propose, answer, withdraw, and the passing rule."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from core.models import AuditEvent
from core.services import DomainError
from decisions import services
from decisions.models import Answer, Proposal
from decisions.personal_data import empty_old_notes
from decisions.selectors import decided_for_feed, open_proposals, outcome_text
from groups.models import Group, Membership
from joining.services import membership_leave
from notifications.models import OutgoingMessage
from pledges.models import GroupPledgeLines
from tests.factories import GroupFactory, MembershipFactory

from .conftest import self_run_group

pytestmark = pytest.mark.django_db
Kind = Proposal.Kind
Status = Proposal.Status
# A Wednesday in January; seven days later is the next Wednesday.
NOW = datetime.datetime(2027, 1, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def propose(member: Membership, kind: str = Kind.PAUSE, **kw) -> Proposal:
    return services.proposal_create(group=member.group, user=member.user, kind=kind, **kw)


def answer(member: Membership, proposal: Proposal, agrees: bool = True, note: str = "") -> Proposal:
    return services.proposal_answer(proposal=proposal, user=member.user, agrees=agrees, note=note)


def state(group: Group) -> str:
    group.refresh_from_db()
    return group.state


def messages(kind: str) -> list[OutgoingMessage]:
    return list(OutgoingMessage.objects.filter(kind=kind).select_related("recipient"))


# --- Proposing --------------------------------------------------------------------------


def test_a_proposal_asks_every_other_member_and_changes_nothing(five, clock):
    group, (a, b, c, d, e) = five
    proposal = propose(a, note="Sommerferie")
    assert proposal.status == Status.OPEN
    assert proposal.deadline == NOW + datetime.timedelta(days=7)
    assert state(group) == Group.State.SELF_RUN
    # Proposing is agreeing.
    assert list(Answer.objects.values_list("membership", "agrees")) == [(a.pk, True)]
    asked = {m.recipient for m in messages("proposal")}
    assert asked == {b.user, c.user, d.user, e.user}
    assert AuditEvent.objects.filter(event=AuditEvent.Event.DECISION_PROPOSED).count() == 1
    [row] = open_proposals(group=group, membership=b)
    assert (row.agreed, row.objected, row.voters, row.may_answer) == (1, 0, 5, True)
    assert not row.may_withdraw
    [own] = open_proposals(group=group, membership=a)
    assert own.may_withdraw and not own.may_answer and own.own is not None


def test_the_notice_is_neutral(five, django_capture_on_commit_callbacks):
    group, (a, *_others) = five
    with django_capture_on_commit_callbacks(execute=True):
        propose(a, Kind.END)
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        assert message.subject == "Selvhjelp: gruppa di blir bedt om å bestemme sammen"
        for secret in (group.name, group.theme.name_nb, group.theme.name_en, group.description):
            assert secret not in message.subject + message.body
        assert "foreslår å avslutte gruppa" in message.body


def test_everyone_agrees_and_it_happens_at_once(five, clock, django_capture_on_commit_callbacks):
    group, (a, b, c, d, e) = five
    proposal = propose(a)
    for member in (b, c, d):
        answer(member, proposal)
        assert state(group) == Group.State.SELF_RUN
    with django_capture_on_commit_callbacks(execute=True):
        answer(e, proposal)
    proposal.refresh_from_db()
    assert proposal.status == Status.PASSED and proposal.decided_at == NOW
    assert state(group) == Group.State.PAUSED
    # Everyone is told, the proposer too.
    told = {m.recipient for m in messages("proposal_outcome")}
    assert told == {a.user, b.user, c.user, d.user, e.user}
    outcome = [m for m in mail.outbox if m.subject == "Selvhjelp: gruppa di har bestemt"]
    assert len(outcome) == 5
    assert "Gruppa har bestemt å ta pause fra 20. januar." in outcome[0].body
    # The group's notice feed keeps the line.
    with translation.override("nb"):
        assert [line.text for line in decided_for_feed(group=group)] == [
            "Gruppa har bestemt å ta pause fra 20. januar."
        ]
    pause = AuditEvent.objects.get(event=AuditEvent.Event.GROUP_PAUSE)
    assert pause.actor is None and pause.data["proposal"] == proposal.pk


def test_after_seven_days_a_majority_without_objection_passes(five, clock):
    group, (a, b, c, _d, _e) = five
    proposal = propose(a, Kind.CLOSE if not group.open_for_new_members else Kind.PAUSE)
    answer(b, proposal)
    answer(c, proposal)  # 3 of 5, nobody objected, two silent
    clock.shift(datetime.timedelta(days=7) - datetime.timedelta(minutes=1))
    assert services.proposals_settle_due() == 0
    clock.shift(datetime.timedelta(minutes=1))
    assert services.proposals_settle_due() == 1
    assert services.proposals_settle_due() == 0
    proposal.refresh_from_db()
    assert proposal.status == Status.PASSED


@pytest.mark.parametrize(
    ("agree", "object_"),
    [(1, 0), (2, 0), (3, 1), (4, 1)],
    ids=["alone", "half-without-proposer", "objection", "one-objection-blocks-four"],
)
def test_otherwise_it_lapses_after_seven_days(five, clock, agree, object_):
    group, members = five
    proposal = propose(members[0], Kind.END)
    voters = members[1:]
    for member in voters[: agree - 1]:
        answer(member, proposal)
    for member in voters[agree - 1 : agree - 1 + object_]:
        answer(member, proposal, agrees=False, note="Ikke ennå")
    clock.shift(datetime.timedelta(days=7))
    services.proposals_settle_due()
    proposal.refresh_from_db()
    assert proposal.status == Status.LAPSED
    assert state(group) == Group.State.SELF_RUN
    with translation.override("en"):
        assert outcome_text(proposal) == "The proposal to end the group was not agreed."


def test_an_objection_is_shown_with_its_note_and_the_proposal_stays_open(five, clock):
    group, (a, b, c, d, e) = five
    proposal = propose(a, Kind.END)
    answer(b, proposal)
    answer(c, proposal)
    answer(d, proposal, agrees=False, note="Jeg trenger gruppa")
    proposal.refresh_from_db()
    assert proposal.status == Status.OPEN  # nothing passes, but the group talks until the deadline
    [row] = open_proposals(group=group, membership=e)
    assert (row.agreed, row.objected) == (3, 1)
    assert [o.note for o in row.objections] == ["Jeg trenger gruppa"]


def test_an_agreement_carries_no_note(five):
    _group, (a, b, *_rest) = five
    proposal = propose(a)
    answer(b, proposal, note="Ja!")
    assert Answer.objects.get(membership=b).note == ""


def test_a_group_of_one_decides_at_once():
    group, (alone,) = self_run_group(1)
    proposal = propose(alone)
    assert proposal.status == Status.PASSED
    assert state(group) == Group.State.PAUSED
    assert not messages("proposal")


# --- Withdrawing ------------------------------------------------------------------------


def test_only_the_proposer_withdraws_and_everyone_is_told(five):
    _group, (a, b, *_rest) = five
    proposal = propose(a)
    with pytest.raises(DomainError) as error:
        services.proposal_withdraw(proposal=proposal, user=b.user)
    assert error.value.code == "forbidden"
    services.proposal_withdraw(proposal=proposal, user=a.user)
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN
    assert len(messages("proposal_outcome")) == 5
    with pytest.raises(DomainError) as error:
        services.proposal_withdraw(proposal=proposal, user=a.user)
    assert error.value.code == "closed"


# --- Bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["passed", "lapsed", "withdrawn"])
def test_answering_a_closed_proposal_is_refused_and_changes_nothing(five, clock, how):
    _group, (a, b, c, d, e) = five
    proposal = propose(a)
    if how == "passed":
        for member in (b, c, d, e):
            answer(member, proposal)
    elif how == "lapsed":
        clock.shift(datetime.timedelta(days=8))
        services.proposals_settle_due()
    else:
        services.proposal_withdraw(proposal=proposal, user=a.user)
    answers = Answer.objects.count()
    late = e if how != "passed" else b
    with translation.override("en"), pytest.raises(DomainError) as error:
        answer(late, proposal, agrees=False)
    assert error.value.code in ("closed", "answered")
    assert "Nothing was changed" in error.value.message or "already answered" in (
        error.value.message
    )
    assert Answer.objects.count() == answers


def test_answering_after_the_time_is_over_is_refused(five, clock):
    _group, (a, b, *_rest) = five
    proposal = propose(a)
    clock.shift(datetime.timedelta(days=7, seconds=1))
    with pytest.raises(DomainError) as error:
        answer(b, proposal)
    assert error.value.code == "deadline"
    assert Answer.objects.count() == 1


def test_answering_twice_is_refused(five):
    _group, (a, b, *_rest) = five
    proposal = propose(a)
    answer(b, proposal)
    with pytest.raises(DomainError) as error:
        answer(b, proposal, agrees=False)
    assert error.value.code == "answered"
    assert Answer.objects.get(membership=b).agrees is True


def test_a_former_member_and_an_outsider_cannot_answer(five):
    group, (a, b, *_rest) = five
    proposal = propose(a)
    membership_leave(group=group, user=b.user)
    outsider = MembershipFactory(group=GroupFactory(state=Group.State.SELF_RUN)).user
    for user in (b.user, outsider):
        with pytest.raises(DomainError) as error:
            services.proposal_answer(proposal=proposal, user=user, agrees=True)
        assert error.value.code == "forbidden"
    assert Answer.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "why"),
    [(Kind.RESUME, "wrong_state"), (Kind.OPEN, "no_change"), (Kind.START, "wrong_state")],
)
def test_proposing_what_is_already_so_or_cannot_be_is_refused(kind, why):
    _group, (a, *_rest) = self_run_group(3, open_for_new_members=True)
    with pytest.raises(DomainError) as error:
        propose(a, kind)
    assert error.value.code == why
    assert not Proposal.objects.exists()


def test_one_open_proposal_per_kind(five):
    _group, (a, b, *_rest) = five
    propose(a)
    with pytest.raises(DomainError) as error:
        propose(b)
    assert error.value.code == "duplicate"
    propose(b, Kind.END)  # another kind is fine
    assert Proposal.objects.filter(status=Status.OPEN).count() == 2


def test_a_note_longer_than_300_characters_is_refused(five):
    _group, (a, *_rest) = five
    with pytest.raises(DomainError) as error:
        propose(a, note="x" * 301)
    assert error.value.code == "too_long"


def test_consent_kinds_are_not_proposed_by_members(five):
    _group, (a, *_rest) = five
    with pytest.raises(DomainError) as error:
        propose(a, Kind.ADMIT)
    assert error.value.code == "unknown"


# --- Members leaving --------------------------------------------------------------------


def test_a_leavers_answer_stops_counting_and_the_rest_may_now_agree(five):
    group, (a, b, c, d, e) = five
    proposal = propose(a)
    for member in (b, c, d):
        answer(member, proposal)
    answer(e, proposal, agrees=False)
    membership_leave(group=group, user=e.user)  # the one who objected leaves
    proposal.refresh_from_db()
    assert proposal.status == Status.PASSED
    assert state(group) == Group.State.PAUSED


def test_leaving_stays_individual_and_immediate(five):
    group, (a, b, *_rest) = five
    propose(a, Kind.END)
    membership_leave(group=group, user=b.user)
    b.refresh_from_db()
    assert b.status == Membership.Status.LEFT


# --- What passing does ------------------------------------------------------------------


def _agree_all(proposal: Proposal, members: list[Membership]) -> Proposal:
    for member in members[1:]:
        answer(member, proposal)
    proposal.refresh_from_db()
    return proposal


def test_ending_closes_the_other_open_proposals_without_notices(five):
    group, members = five
    pause = propose(members[1])
    end = propose(members[0], Kind.END)
    outcome_rows = len(messages("proposal_outcome"))
    for member in members[1:]:
        answer(member, end)
    pause.refresh_from_db()
    assert state(group) == Group.State.ENDED
    assert pause.status == Status.LAPSED
    # Only the end's outcome was sent: five members, one message each.
    assert len(messages("proposal_outcome")) == outcome_rows + 5


def test_a_new_meeting_time(five):
    group, members = five
    details = {
        "weekday": Group.Weekday.THURSDAY,
        "start_time": "19:30",
        "duration_minutes": 90,
        "cadence": Group.Cadence.FORTNIGHTLY,
        "custom_days": "",
    }
    proposal = _agree_all(propose(members[0], Kind.SCHEDULE, details=details), members)
    assert proposal.status == Status.PASSED
    group.refresh_from_db()
    assert (group.weekday, group.start_time, group.duration_minutes, group.cadence) == (
        Group.Weekday.THURSDAY,
        datetime.time(19, 30),
        90,
        Group.Cadence.FORTNIGHTLY,
    )
    with translation.override("nb"):
        assert outcome_text(proposal) == (
            "Gruppa har bestemt ny møtetid: torsdager kl. 19.30–21.00, annenhver uke."
        )


def test_a_new_place_is_kept_inside_and_emptied_once_decided(five):
    group, members = five
    proposal = propose(members[0], Kind.PLACE, text="Biblioteket, lesesalen")
    [row] = open_proposals(group=group, membership=members[1])
    assert "Biblioteket, lesesalen" in row.detail
    proposal = _agree_all(proposal, members)
    group.refresh_from_db()
    assert group.place == "Biblioteket, lesesalen"
    assert proposal.text == ""
    change = AuditEvent.objects.get(event=AuditEvent.Event.GROUP_PLACE_CHANGED)
    assert "Biblioteket" not in str(change.data)


def test_new_pledge_lines_mean_everyone_signs_again(five):
    group, members = five
    proposal = _agree_all(propose(members[0], Kind.PLEDGE_LINES, text="Vi kommer presis."), members)
    assert proposal.status == Status.PASSED
    lines = GroupPledgeLines.objects.get(group=group)
    assert (lines.text, lines.revision) == ("Vi kommer presis.", 1)
    from pledges.selectors import membership_has_signed_current

    assert not membership_has_signed_current(membership=members[0])


def test_a_digital_group_has_no_place_to_propose():
    _group, (a, *_rest) = self_run_group(2, format=Group.Format.DIGITAL, kommune=None)
    with pytest.raises(DomainError):
        propose(a, Kind.PLACE, text="Et rom")


# --- Before the group runs itself -------------------------------------------------------


def test_before_self_run_members_cannot_propose_and_initiators_act_at_once():
    group = GroupFactory(state=Group.State.FORMING)
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR)
    member = MembershipFactory(group=group)
    with pytest.raises(DomainError) as error:
        services.proposal_create(group=group, user=member.user, kind=Kind.START)
    assert error.value.code == "wrong_state"
    with pytest.raises(DomainError):
        services.proposal_create(group=group, user=initiator.user, kind=Kind.PAUSE)
    done = services.proposal_create(group=group, user=initiator.user, kind=Kind.START)
    assert (done.status, done.by_initiator) == (Status.PASSED, True)
    assert state(group) == Group.State.STARTING
    # The members see it in the group's feed.
    with translation.override("en"):
        assert decided_for_feed(group=group)[0].text.startswith(
            "The initiators started the first meetings on "
        )


# --- Keeping it no longer than needed ---------------------------------------------------


def test_notes_are_emptied_90_days_after_the_decision(five, clock):
    _group, (a, b, _c, _d, _e) = five
    proposal = propose(a, note="Sommer")
    answer(b, proposal, agrees=False, note="Jeg er borte")
    services.proposal_withdraw(proposal=proposal, user=a.user)
    assert empty_old_notes(timezone.now() + datetime.timedelta(days=89)) == 0
    assert empty_old_notes(timezone.now() + datetime.timedelta(days=91)) == 2
    assert empty_old_notes(timezone.now() + datetime.timedelta(days=91)) == 0
    proposal.refresh_from_db()
    assert proposal.note == "" and proposal.status == Status.WITHDRAWN
