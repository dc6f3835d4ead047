"""The lifecycle state machine: who may take which transition from which state."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.models import AuditEvent
from core.services import DomainError
from groups import lifecycle
from groups.models import Group, Membership
from organisations.models import StaffRole
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    StaffRoleFactory,
    UserFactory,
    ready_to_run_itself,
)

State = Group.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    group = GroupFactory(state=State.DRAFT)
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR).user
    member = MembershipFactory(group=group).user
    staff = StaffRoleFactory(contact_point=group.contact_point).user
    return group, {"initiator": initiator, "member": member, "staff": staff}


def set_state(group: Group, state: str, *, open_: bool = False) -> Group:
    Group.objects.filter(pk=group.pk).update(state=state, open_for_new_members=open_)
    group.refresh_from_db()
    return group


def audit_rows(group: Group, action: str | AuditEvent.Event) -> int:
    """Rows of a transition (by name) or of an event, about ``group``."""
    event = action if isinstance(action, AuditEvent.Event) else lifecycle.TRANSITIONS[action].event
    return AuditEvent.objects.filter(
        event=event,
        target_type="groups.group",
        target_id=str(group.pk),
    ).count()


def actor_for(state: str, people: dict) -> object:
    """Before self-run the initiator steers; afterwards a member tries to act alone."""
    if state in (State.DRAFT, State.FORMING, State.STARTING):
        return people["initiator"]
    return people["member"]


make_ready = ready_to_run_itself


CASES = [(action, state) for action in lifecycle.TRANSITIONS for state in State.values]


@pytest.mark.parametrize(("action", "state"), CASES)
def test_every_transition_from_every_state(people, action, state):
    group, who = people
    # "close" needs an open group and "open" a closed one to change anything.
    group = set_state(group, state, open_=action == "close")
    transition = lifecycle.TRANSITIONS[action]
    # Once the group runs itself, nobody takes a transition alone.
    allowed = (
        state in transition.sources
        and action != "become_self_run"
        and state not in State.RUNS_ITSELF
    )

    if allowed:
        lifecycle.group_transition(group=group, action=action, actor=actor_for(state, who))
        group.refresh_from_db()
        assert group.state == (transition.target or state)
        assert audit_rows(group, action) == 1
    else:
        before = Group.objects.values().get(pk=group.pk)
        with pytest.raises(DomainError):
            lifecycle.group_transition(group=group, action=action, actor=actor_for(state, who))
        assert Group.objects.values().get(pk=group.pk) == before
        assert audit_rows(group, action) == 0


def test_unknown_action_is_a_domain_error(people):
    group, who = people
    with pytest.raises(DomainError):
        lifecycle.group_transition(group=group, action="explode", actor=who["staff"])


def test_a_member_may_not_steer_before_self_run(people):
    group, who = people
    set_state(group, State.FORMING)
    assert not lifecycle.may(user=who["member"], group=group, action="start")
    with pytest.raises(DomainError):
        lifecycle.group_transition(group=group, action="start", actor=who["member"])
    group.refresh_from_db()
    assert group.state == State.FORMING
    # Staff and initiator may.
    assert lifecycle.may(user=who["staff"], group=group, action="start")
    assert lifecycle.may(user=who["initiator"], group=group, action="start")


@pytest.mark.parametrize(("action", "state"), CASES)
def test_what_the_members_decide_together_from_every_state(people, action, state):
    group, _who = people
    group = set_state(group, state, open_=action == "close")
    transition = lifecycle.TRANSITIONS[action]
    allowed = (
        action in lifecycle.TOGETHER and state in transition.sources and state in State.RUNS_ITSELF
    )
    if allowed:
        lifecycle.group_transition_together(group=group, action=action, proposal_id=7)
        group.refresh_from_db()
        assert group.state == (transition.target or state)
        row = AuditEvent.objects.get(event=transition.event)
        assert row.actor is None and row.data["proposal"] == 7
    else:
        before = Group.objects.values().get(pk=group.pk)
        with pytest.raises(DomainError):
            lifecycle.group_transition_together(group=group, action=action, proposal_id=7)
        assert Group.objects.values().get(pk=group.pk) == before


def test_after_self_run_nobody_acts_alone(people):
    """Found on the demo data: one member ended a self-run group, at once and alone."""
    group, who = people
    other = MembershipFactory(group=group).user
    set_state(group, State.SELF_RUN)
    for action in lifecycle.TOGETHER:
        for user in (who["member"], other, who["staff"], UserFactory()):
            assert not lifecycle.may(user=user, group=group, action=action)
    for actor in (who["member"], who["staff"]):
        with pytest.raises(DomainError):
            lifecycle.group_transition(group=group, action="end", actor=actor)
    group.refresh_from_db()
    assert group.state == State.SELF_RUN
    assert lifecycle.allowed_actions(user=who["member"], group=group) == []


def test_a_starting_group_cannot_be_paused(people):
    """Fixed bug: pause from starting, then resume, skipped the step back."""
    group, who = people
    set_state(group, State.STARTING)
    with pytest.raises(DomainError):
        lifecycle.group_transition(group=group, action="pause", actor=who["initiator"])


def test_closing_a_closed_group_changes_nothing(people):
    group, _who = people
    set_state(group, State.SELF_RUN, open_=False)
    with pytest.raises(DomainError) as error:
        lifecycle.group_transition_together(group=group, action="close", proposal_id=None)
    assert error.value.code == "no_change"
    assert audit_rows(group, "close") == 0


def test_step_back_makes_the_group_self_run_and_a_second_is_refused(people):
    group, who = people
    make_ready(group)
    lifecycle.initiator_step_back(group=group, user=who["initiator"])
    group.refresh_from_db()
    assert group.state == State.SELF_RUN
    assert group.self_run_at is not None
    assert not group.open_for_new_members
    assert audit_rows(group, "become_self_run") == 1
    assert audit_rows(group, AuditEvent.Event.GROUP_INITIATOR_STEPPED_BACK) == 1
    with pytest.raises(DomainError):
        lifecycle.initiator_step_back(group=group, user=who["initiator"])
    assert audit_rows(group, AuditEvent.Event.GROUP_INITIATOR_STEPPED_BACK) == 1


def test_second_step_back_while_still_starting_is_refused():
    group = GroupFactory(state=State.STARTING, two_initiators=True)
    first = MembershipFactory(group=group, role=Membership.Role.INITIATOR).user
    MembershipFactory(group=group, role=Membership.Role.INITIATOR)
    lifecycle.initiator_step_back(group=group, user=first)
    with pytest.raises(DomainError) as error:
        lifecycle.initiator_step_back(group=group, user=first)
    assert error.value.code == "no_change"


def test_with_two_initiators_self_run_only_after_both_stepped_back():
    group = GroupFactory(state=State.STARTING, two_initiators=True)
    first = MembershipFactory(group=group, role=Membership.Role.INITIATOR).user
    second = MembershipFactory(group=group, role=Membership.Role.INITIATOR).user
    MembershipFactory(group=group)

    lifecycle.initiator_step_back(group=group, user=first)
    group.refresh_from_db()
    assert group.state == State.STARTING
    # The remaining initiator still steers; the one who stepped back does not.
    assert lifecycle.may(user=second, group=group, action="end")
    assert not lifecycle.may(user=first, group=group, action="end")

    make_ready(group)
    lifecycle.initiator_step_back(group=group, user=second)
    group.refresh_from_db()
    assert group.state == State.SELF_RUN


@pytest.mark.parametrize(
    ("members", "meetings", "why"),
    [(1, 0, ["members", "meeting"]), (2, 3, ["members"]), (5, 0, ["meeting"])],
)
def test_the_last_initiator_steps_back_only_when_the_group_is_ready(people, members, meetings, why):
    """Found on the demo data: a group of one that had never met became self-run at once."""
    group, who = people
    make_ready(group, members=members, meetings=meetings)
    with translation.override("en"), pytest.raises(DomainError) as error:
        lifecycle.initiator_step_back(group=group, user=who["initiator"])
    assert error.value.code == "not_ready"
    for word in why:
        assert word in error.value.message
    group.refresh_from_db()
    assert group.state == State.STARTING and group.self_run_at is None
    assert Membership.objects.get(group=group, user=who["initiator"]).status == "active"
    assert audit_rows(group, AuditEvent.Event.GROUP_INITIATOR_STEPPED_BACK) == 0


def test_readiness_numbers_are_settings(people, settings):
    group, who = people
    make_ready(group, members=2, meetings=0)
    settings.SELVHJELP_SELF_RUN_MIN_MEMBERS = 2
    settings.SELVHJELP_SELF_RUN_MIN_MEETINGS = 0
    assert lifecycle.step_back_blockers(group=group) == []
    lifecycle.initiator_step_back(group=group, user=who["initiator"])
    group.refresh_from_db()
    assert group.state == State.SELF_RUN


def test_a_co_initiator_steps_back_from_a_group_not_ready_yet():
    """Only the last initiator hands the group over; the first may go any time."""
    group = GroupFactory(state=State.STARTING)
    first = MembershipFactory(group=group, role=Membership.Role.INITIATOR).user
    MembershipFactory(group=group, role=Membership.Role.INITIATOR)
    lifecycle.initiator_step_back(group=group, user=first)
    group.refresh_from_db()
    assert group.state == State.STARTING


def test_an_initiator_leaving_the_platform_leaves_an_unready_group_starting(people):
    group, who = people
    make_ready(group, members=1, meetings=0)
    lifecycle.initiator_step_back(group=group, user=who["initiator"], leaving_platform=True)
    group.refresh_from_db()
    assert group.state == State.STARTING
    assert not group.memberships.active().filter(role=Membership.Role.INITIATOR).exists()


def test_a_member_cannot_step_back_as_initiator(people):
    group, who = people
    set_state(group, State.STARTING)
    with pytest.raises(DomainError) as error:
        lifecycle.initiator_step_back(group=group, user=who["member"])
    assert error.value.code == "forbidden"
    group.refresh_from_db()
    assert group.state == State.STARTING


def test_step_back_before_the_start_is_refused(people):
    group, who = people
    set_state(group, State.FORMING)
    with pytest.raises(DomainError):
        lifecycle.initiator_step_back(group=group, user=who["initiator"])
    assert Membership.objects.get(group=group, user=who["initiator"]).status == "active"


def test_volunteer_initiator_role_alone_does_not_steer(people):
    """A StaffRole of kind initiator is for creating groups, not for steering others'."""
    group, _who = people
    set_state(group, State.FORMING)
    volunteer = StaffRoleFactory(
        kind=StaffRole.Kind.INITIATOR, contact_point=group.contact_point
    ).user
    assert not lifecycle.may(user=volunteer, group=group, action="start")


def test_the_first_meetings_need_someone_to_guide_them():
    """Without an active initiator nobody could later step back, so no start."""
    group = GroupFactory(state=State.FORMING)
    staff = StaffRoleFactory(contact_point=group.contact_point).user
    with pytest.raises(DomainError):
        lifecycle.group_transition(group=group, action="start", actor=staff)
    group.refresh_from_db()
    assert group.state == State.FORMING
    MembershipFactory(group=group, role=Membership.Role.INITIATOR, user=staff)
    assert lifecycle.group_transition(group=group, action="start", actor=staff).state == (
        State.STARTING
    )
