from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from groups.models import Group, Membership
from meetings.models import Meeting
from notifications.sms import LocmemBackend
from tests.factories import GroupFactory, MembershipFactory, UserFactory


@dataclass
class MeetingWorld:
    group: Group
    meeting: Meeting
    members: list[Any]
    memberships: list[Membership]


def make_meeting(group: Group, *, starts_in: datetime.timedelta) -> Meeting:
    starts = timezone.now() + starts_in
    return Meeting.objects.create(
        group=group,
        occurrence=starts,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )


@pytest.fixture
def world(db) -> MeetingWorld:
    group = GroupFactory(state=Group.State.SELF_RUN, name="Torsdagsgruppa Hemmelig")
    Meeting.objects.filter(group=group).delete()
    members = [UserFactory() for _ in range(3)]
    memberships = [MembershipFactory(group=group, user=u) for u in members]
    meeting = make_meeting(group, starts_in=datetime.timedelta(hours=3))
    return MeetingWorld(group, meeting, members, memberships)


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SELVHJELP_SMS_BACKEND = "notifications.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    yield LocmemBackend.outbox
    LocmemBackend.outbox.clear()
