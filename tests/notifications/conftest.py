from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from groups.models import Group, Membership
from meetings.models import Meeting
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
def _texts_to_the_outbox(sms_outbox):
    """Every test here sends texts to the test outbox (``tests/conftest.py``)."""
    return sms_outbox
