"""Causes elsewhere put their messages in the outbox, in their own transaction."""

from __future__ import annotations

import pytest
from django.core import mail

from core.services import DomainError
from groups.models import Group, Membership
from joining import services as joining
from notifications.models import OutgoingMessage
from tests.factories import MembershipFactory, UserFactory
from tests.joining.conftest import make_group


def test_a_join_request_notifies_the_initiator_only_while_starting(
    db, django_capture_on_commit_callbacks
):
    group = make_group(state=Group.State.STARTING, members=2, open_for_new_members=True)
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR)
    seeker = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        joining.join_request_create(group=group, user=seeker)
    assert [m.to for m in mail.outbox] == [[initiator.user.email]]
    assert group.name not in mail.outbox[0].subject
    assert OutgoingMessage.objects.get().status == OutgoingMessage.Status.SENT


def test_consent_requests_go_to_every_member(db, django_capture_on_commit_callbacks):
    group = make_group(
        state=Group.State.SELF_RUN,
        members=3,
        admission=Group.Admission.CLOSED,
        open_for_new_members=True,
    )
    seeker = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        joining.join_request_create(group=group, user=seeker)
    members = set(
        Membership.objects.active().filter(group=group).values_list("user__email", flat=True)
    )
    assert {m.to[0] for m in mail.outbox} == members
    assert seeker.email not in {m.to[0] for m in mail.outbox}


def test_a_failed_cause_leaves_nothing_in_the_outbox(db):
    group = make_group(state=Group.State.ENDED)
    with pytest.raises(DomainError):
        joining.join_request_create(group=group, user=UserFactory())
    assert not OutgoingMessage.objects.exists()


def test_a_cancelled_meeting_notifies_the_other_members_once(
    world, django_capture_on_commit_callbacks
):
    from meetings.services import meeting_cancel

    actor = world.members[0]
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=world.meeting, actor=actor)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in world.members[1:])
    assert all(world.group.name not in m.subject + m.body for m in mail.outbox)
    # The reminder for the cancelled meeting is never made.
    from meetings.reminders import reminder_scan

    assert reminder_scan() == 0
