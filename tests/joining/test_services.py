"""Rules of joining and leaving, through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core.models import AuditEvent
from core.services import DomainError
from decisions.models import Answer, Proposal
from decisions.services import proposals_settle_due
from groups.models import Group, Membership
from joining import services
from joining.models import GroupNotice, JoinRequest, WaitingListEntry
from tests.factories import GroupFactory, UserFactory

from .conftest import make_group, seat

pytestmark = pytest.mark.django_db


def members(group: Group) -> list[Membership]:
    return list(group.memberships.active().filter(role=Membership.Role.MEMBER))


def count(group: Group) -> int:
    group.refresh_from_db()
    return group.member_count


# --- Who decides ------------------------------------------------------------------


def test_forming_and_starting_groups_are_decided_by_initiators():
    for state in (Group.State.FORMING, Group.State.STARTING):
        request = services.join_request_create(group=GroupFactory(state=state), user=UserFactory())
        assert request.decider == JoinRequest.Decider.INITIATOR
        assert request.consent_deadline is None


def test_open_admission_lets_any_member_decide(open_group):
    request = services.join_request_create(group=open_group, user=UserFactory())
    assert request.decider == JoinRequest.Decider.ANY_MEMBER


def test_closed_admission_needs_everyone_within_the_window(closed_group, settings):
    settings.SELVHJELP_CONSENT_DAYS = 5
    before = timezone.now()
    request = services.join_request_create(group=closed_group, user=UserFactory(), message="Hei")
    assert request.decider == JoinRequest.Decider.ALL_MEMBERS
    # One mechanism: the request is put to the members as a consent proposal.
    assert request.consent is not None and request.consent.kind == Proposal.Kind.ADMIT
    assert request.consent_deadline == request.consent.deadline
    assert (
        before + datetime.timedelta(days=5)
        <= request.consent_deadline
        <= timezone.now() + datetime.timedelta(days=5)
    )
    assert AuditEvent.objects.filter(event=AuditEvent.Event.JOINING_REQUEST_CREATED).count() == 1


# --- Refusals ------------------------------------------------------------------------


@pytest.mark.parametrize("state", [Group.State.DRAFT, Group.State.PAUSED, Group.State.ENDED])
def test_requests_to_groups_not_taking_members_are_refused(state):
    group = GroupFactory(state=state)
    with pytest.raises(DomainError) as error:
        services.join_request_create(group=group, user=UserFactory())
    assert error.value.code == "closed"
    assert not JoinRequest.objects.exists()


def test_a_group_closed_for_new_members_refuses(closed_group):
    Group.objects.filter(pk=closed_group.pk).update(open_for_new_members=False)
    with pytest.raises(DomainError):
        services.join_request_create(group=closed_group, user=UserFactory())


def test_a_full_group_points_to_the_waiting_list():
    group = make_group(state=Group.State.FORMING, members=2, capacity=2)
    with pytest.raises(DomainError) as error:
        services.join_request_create(group=group, user=UserFactory())
    assert error.value.code == "full"
    assert "ventelisten" in error.value.message


def test_asking_twice_keeps_one_request(open_group):
    user = UserFactory()
    services.join_request_create(group=open_group, user=user)
    with pytest.raises(DomainError) as error:
        services.join_request_create(group=open_group, user=user)
    assert error.value.code == "duplicate"
    assert JoinRequest.objects.filter(user=user).count() == 1


def test_members_cannot_ask_to_join_their_own_group(open_group):
    with pytest.raises(DomainError):
        services.join_request_create(group=open_group, user=members(open_group)[0].user)


def test_a_message_longer_than_300_characters_is_refused(open_group):
    with pytest.raises(DomainError):
        services.join_request_create(group=open_group, user=UserFactory(), message="x" * 301)
    assert not JoinRequest.objects.exists()


# --- Seats -------------------------------------------------------------------------------


def test_membership_add_counts_tells_the_group_and_audits():
    group = GroupFactory(state=Group.State.FORMING)
    membership = services.membership_add(group=group, user=UserFactory())
    assert count(group) == 1
    assert GroupNotice.objects.get(group=group).kind == GroupNotice.Kind.JOINED
    assert AuditEvent.objects.filter(
        event=AuditEvent.Event.JOINING_MEMBERSHIP_ADDED, target_id=str(membership.pk)
    ).exists()


def test_membership_add_refuses_a_full_group_and_changes_nothing():
    group = make_group(state=Group.State.FORMING, members=2, capacity=2)
    with pytest.raises(DomainError) as error:
        services.membership_add(group=group, user=UserFactory())
    assert error.value.message == "Gruppa er full."
    assert count(group) == 2
    assert group.memberships.count() == 2


def test_membership_add_refuses_a_second_active_membership():
    group = GroupFactory(state=Group.State.FORMING)
    user = UserFactory()
    services.membership_add(group=group, user=user)
    with pytest.raises(DomainError) as error:
        services.membership_add(group=group, user=user)
    assert error.value.code == "duplicate"
    assert count(group) == 1
    assert group.memberships.filter(user=user).count() == 1


def test_initiators_hold_no_seat():
    group = GroupFactory(state=Group.State.FORMING)
    services.membership_add(group=group, user=UserFactory(), role=Membership.Role.INITIATOR)
    assert count(group) == 0


# --- Answers -------------------------------------------------------------------------------


def test_the_initiator_accepts_and_members_cannot(starting_group):
    group, initiator = starting_group
    seeker = UserFactory()
    request = services.join_request_create(group=group, user=seeker)
    with pytest.raises(DomainError):
        services.join_request_answer(join_request=request, user=members(group)[0].user, agrees=True)
    services.join_request_answer(join_request=request, user=initiator.user, agrees=True)
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.ACCEPTED
    assert request.decided_by == initiator.user
    assert group.memberships.active().filter(user=seeker).exists()
    assert count(group) == 3


def test_any_member_can_decline_in_an_open_group(open_group):
    request = services.join_request_create(group=open_group, user=UserFactory())
    services.join_request_answer(
        join_request=request, user=members(open_group)[1].user, agrees=False
    )
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.DECLINED
    assert count(open_group) == 2


def test_all_members_must_say_yes(closed_group):
    seeker = UserFactory()
    request = services.join_request_create(group=closed_group, user=seeker)
    voters = members(closed_group)
    for voter in voters[:-1]:
        services.join_request_answer(join_request=request, user=voter.user, agrees=True)
        request.refresh_from_db()
        assert request.status == JoinRequest.Status.PENDING
    services.join_request_answer(join_request=request, user=voters[-1].user, agrees=True)
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.ACCEPTED
    assert count(closed_group) == 4
    assert Answer.objects.filter(proposal=request.consent).count() == 3


def test_one_no_declines_at_once(closed_group):
    request = services.join_request_create(group=closed_group, user=UserFactory())
    services.join_request_answer(
        join_request=request, user=members(closed_group)[0].user, agrees=False
    )
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.DECLINED
    with pytest.raises(DomainError) as error:  # the others can no longer answer
        services.join_request_answer(
            join_request=request, user=members(closed_group)[1].user, agrees=True
        )
    assert error.value.code == "answered"


def test_declined_and_expired_tell_the_seeker_the_same_kind_words(
    closed_group, django_capture_on_commit_callbacks
):
    declined_user, expired_user = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        declined = services.join_request_create(group=closed_group, user=declined_user)
        expired = services.join_request_create(group=closed_group, user=expired_user)
        services.join_request_answer(
            join_request=declined, user=members(closed_group)[0].user, agrees=False
        )
    with django_capture_on_commit_callbacks(execute=True):
        proposals_settle_due(now=timezone.now() + datetime.timedelta(days=8))
    declined.refresh_from_db()
    expired.refresh_from_db()
    assert (declined.status, expired.status) == (
        JoinRequest.Status.DECLINED,
        JoinRequest.Status.EXPIRED,
    )
    told = {m.to[0]: m for m in mail.outbox if m.to[0] in (declined_user.email, expired_user.email)}
    assert set(told) == {declined_user.email, expired_user.email}
    one, other = told[declined_user.email], told[expired_user.email]
    assert (one.subject, one.body) == (
        other.subject,
        other.body.replace(expired_user.display_name, declined_user.display_name),
    )
    for message in (one, other):
        assert closed_group.name not in message.subject + message.body
        assert closed_group.theme.name_nb not in message.subject + message.body
        assert "/grupper/?format=digital" in message.body  # other ways to a group
        assert "/interesse/" in message.body


def test_a_member_answers_once(closed_group):
    request = services.join_request_create(group=closed_group, user=UserFactory())
    voter = members(closed_group)[0].user
    services.join_request_answer(join_request=request, user=voter, agrees=True)
    with pytest.raises(DomainError):
        services.join_request_answer(join_request=request, user=voter, agrees=False)
    assert Answer.objects.filter(proposal=request.consent).count() == 1


def test_answering_after_the_deadline_is_refused(closed_group):
    request = services.join_request_create(group=closed_group, user=UserFactory())
    Proposal.objects.filter(pk=request.consent_id).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(DomainError) as error:
        services.join_request_answer(
            join_request=request, user=members(closed_group)[0].user, agrees=True
        )
    assert error.value.code == "deadline"
    assert not Answer.objects.exists()


def test_silence_until_the_deadline_is_no(closed_group):
    request = services.join_request_create(group=closed_group, user=UserFactory())
    services.join_request_answer(
        join_request=request, user=members(closed_group)[0].user, agrees=True
    )
    later = timezone.now() + datetime.timedelta(days=8)
    assert proposals_settle_due(now=later) == 1
    assert proposals_settle_due(now=later) == 0
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.EXPIRED
    assert count(closed_group) == 3


def test_outsiders_cannot_answer(closed_group):
    request = services.join_request_create(group=closed_group, user=UserFactory())
    other = make_group(state=Group.State.SELF_RUN, members=1)
    with pytest.raises(DomainError):
        services.join_request_answer(join_request=request, user=members(other)[0].user, agrees=True)


def test_accepting_into_a_full_group_changes_nothing(open_group):
    request = services.join_request_create(group=open_group, user=UserFactory())
    Group.objects.filter(pk=open_group.pk).update(capacity=2)
    with pytest.raises(DomainError) as error:
        services.join_request_answer(
            join_request=request, user=members(open_group)[0].user, agrees=True
        )
    assert error.value.code == "full"
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING
    assert count(open_group) == 2


def test_the_seeker_withdraws_once(open_group):
    seeker = UserFactory()
    request = services.join_request_create(group=open_group, user=seeker)
    with pytest.raises(DomainError):
        services.join_request_withdraw(join_request=request, user=UserFactory())
    services.join_request_withdraw(join_request=request, user=seeker)
    with pytest.raises(DomainError):
        services.join_request_withdraw(join_request=request, user=seeker)
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WITHDRAWN
    # A new request is possible after withdrawing.
    services.join_request_create(group=open_group, user=seeker)


# --- Leaving -----------------------------------------------------------------------------


def test_leaving_counts_down_and_tells_the_group(open_group):
    leaver = members(open_group)[0]
    services.membership_leave(group=open_group, user=leaver.user)
    leaver.refresh_from_db()
    assert leaver.status == Membership.Status.LEFT
    assert leaver.ended_at is not None
    assert count(open_group) == 1
    assert GroupNotice.objects.filter(
        group=open_group, membership=leaver, kind=GroupNotice.Kind.LEFT
    ).exists()
    assert AuditEvent.objects.filter(event=AuditEvent.Event.JOINING_MEMBERSHIP_LEFT).count() == 1


def test_leaving_twice_changes_nothing(open_group):
    leaver = members(open_group)[0].user
    services.membership_leave(group=open_group, user=leaver)
    with pytest.raises(DomainError) as error:
        services.membership_leave(group=open_group, user=leaver)
    assert error.value.code == "not_member"
    assert count(open_group) == 1
    assert GroupNotice.objects.filter(kind=GroupNotice.Kind.LEFT).count() == 1


def test_initiators_step_back_rather_than_leave(starting_group):
    group, initiator = starting_group
    with pytest.raises(DomainError):
        services.membership_leave(group=group, user=initiator.user)
    initiator.refresh_from_db()
    assert initiator.status == Membership.Status.ACTIVE


def test_a_leavers_answer_stops_counting(closed_group):
    request = services.join_request_create(group=closed_group, user=UserFactory())
    first, second, third = members(closed_group)
    services.join_request_answer(join_request=request, user=first.user, agrees=True)
    services.join_request_answer(join_request=request, user=second.user, agrees=True)
    services.membership_leave(group=closed_group, user=first.user)
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING
    services.join_request_answer(join_request=request, user=third.user, agrees=True)
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.ACCEPTED


# --- Waiting list -------------------------------------------------------------------------


@pytest.fixture
def full_group(db) -> Group:
    """Full, and any member may accept new members: a seat is taken at once."""
    return make_group(
        state=Group.State.SELF_RUN,
        members=2,
        capacity=2,
        open_for_new_members=True,
        admission=Group.Admission.OPEN,
    )


@pytest.fixture
def full_closed_group(db) -> Group:
    """Full, and every member must agree to a new member."""
    return make_group(
        state=Group.State.SELF_RUN,
        members=3,
        capacity=3,
        open_for_new_members=True,
        admission=Group.Admission.CLOSED,
    )


def test_only_a_full_group_has_a_waiting_list(open_group):
    with pytest.raises(DomainError) as error:
        services.waiting_list_join(group=open_group, user=UserFactory())
    assert error.value.code == "not_full"


def test_waiting_once(full_group):
    user = UserFactory()
    services.waiting_list_join(group=full_group, user=user)
    with pytest.raises(DomainError):
        services.waiting_list_join(group=full_group, user=user)
    assert WaitingListEntry.objects.filter(user=user).count() == 1


def test_a_freed_seat_is_offered_to_the_first_waiting(
    full_group, settings, django_capture_on_commit_callbacks
):
    settings.SELVHJELP_OFFER_DAYS = 2
    first = services.waiting_list_join(group=full_group, user=UserFactory())
    second = services.waiting_list_join(group=full_group, user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_leave(group=full_group, user=members(full_group)[0].user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingListEntry.Status.OFFERED
    assert first.offer_expires_at is not None
    assert first.offer_expires_at - first.offered_at == datetime.timedelta(days=2)
    assert second.status == WaitingListEntry.Status.WAITING
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Selvhjelp: en plass er ledig til deg"
    assert message.to == [first.user.email]
    assert full_group.name not in message.subject + message.body
    assert full_group.theme.name_nb not in message.subject + message.body


def test_the_offered_person_takes_the_seat(full_group):
    entry = services.waiting_list_join(group=full_group, user=UserFactory())
    services.membership_leave(group=full_group, user=members(full_group)[0].user)
    entry.refresh_from_db()
    with pytest.raises(DomainError):  # not theirs
        services.waiting_list_accept(entry=entry, user=UserFactory())
    services.waiting_list_accept(entry=entry, user=entry.user)
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.ACCEPTED
    assert count(full_group) == 2
    with pytest.raises(DomainError):  # twice
        services.waiting_list_accept(entry=entry, user=entry.user)


def test_a_held_seat_is_not_given_to_a_join_request(full_group):
    services.waiting_list_join(group=full_group, user=UserFactory())
    services.membership_leave(group=full_group, user=members(full_group)[0].user)
    request = services.join_request_create(group=full_group, user=UserFactory())
    with pytest.raises(DomainError):
        services.join_request_answer(
            join_request=request, user=members(full_group)[0].user, agrees=True
        )
    assert count(full_group) == 1


def test_declining_passes_the_offer_on(full_group):
    first = services.waiting_list_join(group=full_group, user=UserFactory())
    second = services.waiting_list_join(group=full_group, user=UserFactory())
    services.membership_leave(group=full_group, user=members(full_group)[0].user)
    first.refresh_from_db()
    services.waiting_list_decline(entry=first, user=first.user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingListEntry.Status.DECLINED
    assert second.status == WaitingListEntry.Status.OFFERED


def test_an_expired_offer_passes_to_the_next(full_group, django_capture_on_commit_callbacks):
    first = services.waiting_list_join(group=full_group, user=UserFactory())
    second = services.waiting_list_join(group=full_group, user=UserFactory())
    services.membership_leave(group=full_group, user=members(full_group)[0].user)
    later = timezone.now() + datetime.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.waiting_list_expire_offers(now=later) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingListEntry.Status.EXPIRED
    assert second.status == WaitingListEntry.Status.OFFERED
    # The first person is told, kindly; the second is offered the seat.
    lapsed = [m for m in mail.outbox if m.to == [first.user.email]]
    assert [m.subject for m in lapsed] == ["Selvhjelp: om plassen på ventelisten"]
    assert full_group.name not in lapsed[0].body
    with pytest.raises(DomainError):
        services.waiting_list_accept(entry=first, user=first.user)


def test_accepting_an_offer_after_it_expired_is_refused(full_group):
    entry = services.waiting_list_join(group=full_group, user=UserFactory())
    services.membership_leave(group=full_group, user=members(full_group)[0].user)
    WaitingListEntry.objects.filter(pk=entry.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(DomainError) as error:
        services.waiting_list_accept(entry=entry, user=entry.user)
    assert error.value.code == "expired"
    assert count(full_group) == 1


def test_seat_helper_is_counted():
    group = GroupFactory(state=Group.State.FORMING)
    seat(group)
    assert count(group) == 1


# --- A seat in a group where every member must agree ---------------------------------


def _offer(group: Group) -> WaitingListEntry:
    """The first on the list, offered the seat a member freed."""
    entry = services.waiting_list_join(group=group, user=UserFactory())
    services.membership_leave(group=group, user=members(group)[0].user)
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.OFFERED
    return entry


def test_the_waiting_list_seat_needs_every_members_yes(
    full_closed_group, django_capture_on_commit_callbacks
):
    """Found on the demo data: the first on the list took a freed seat with no one asked."""
    entry = _offer(full_closed_group)
    assert services.waiting_list_accept(entry=entry, user=entry.user) is None
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.ASKED
    assert entry.consent is not None and entry.consent.kind == Proposal.Kind.SEAT
    assert entry.offer_expires_at == entry.consent.deadline  # the seat stays held
    assert count(full_closed_group) == 2
    # A join request cannot take the held seat meanwhile.
    Group.objects.filter(pk=full_closed_group.pk).update(admission=Group.Admission.OPEN)
    request = services.join_request_create(group=full_closed_group, user=UserFactory())
    with pytest.raises(DomainError):
        services.join_request_answer(
            join_request=request, user=members(full_closed_group)[0].user, agrees=True
        )
    Group.objects.filter(pk=full_closed_group.pk).update(admission=Group.Admission.CLOSED)
    first, second = members(full_closed_group)
    from decisions.services import proposal_answer

    proposal_answer(proposal=entry.consent, user=first.user, agrees=True)
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.ASKED
    assert not full_closed_group.memberships.active().filter(user=entry.user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_answer(proposal=entry.consent, user=second.user, agrees=True)
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.ACCEPTED
    assert full_closed_group.memberships.active().filter(user=entry.user).exists()
    assert count(full_closed_group) == 3
    welcome = [m for m in mail.outbox if m.to == [entry.user.email]]
    assert [m.subject for m in welcome] == ["Selvhjelp: velkommen i gruppa"]


def test_silence_on_a_seat_passes_it_to_the_next(
    full_closed_group, django_capture_on_commit_callbacks
):
    entry = services.waiting_list_join(group=full_closed_group, user=UserFactory())
    nxt = services.waiting_list_join(group=full_closed_group, user=UserFactory())
    services.membership_leave(group=full_closed_group, user=members(full_closed_group)[0].user)
    entry.refresh_from_db()
    services.waiting_list_accept(entry=entry, user=entry.user)
    entry.refresh_from_db()
    from decisions.services import proposal_answer

    proposal_answer(proposal=entry.consent, user=members(full_closed_group)[0].user, agrees=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert proposals_settle_due(now=timezone.now() + datetime.timedelta(days=8)) == 1
    entry.refresh_from_db()
    nxt.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.EXPIRED
    assert nxt.status == WaitingListEntry.Status.OFFERED
    assert count(full_closed_group) == 2
    lapsed = [m for m in mail.outbox if m.to == [entry.user.email]]
    assert [m.subject for m in lapsed] == ["Selvhjelp: om plassen på ventelisten"]


def test_leaving_the_list_while_the_members_answer_withdraws_the_question(full_closed_group):
    entry = _offer(full_closed_group)
    services.waiting_list_accept(entry=entry, user=entry.user)
    entry.refresh_from_db()
    services.waiting_list_leave(entry=entry, user=entry.user)
    entry.consent.refresh_from_db()
    assert entry.consent.status == Proposal.Status.WITHDRAWN
