from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from groups.models import Group, Membership
from meetings.models import Meeting
from meetings.services import meetings_materialise
from tests.factories import GroupFactory, MembershipFactory

OSLO = ZoneInfo("Europe/Oslo")


def at(*args: int) -> datetime.datetime:
    """An Oslo wall-clock time, aware."""
    return datetime.datetime(*args, tzinfo=OSLO)


@dataclass
class MeetingGroup:
    group: Group
    members: list[Membership]  # all signed; the first is the initiator

    @property
    def member(self) -> Membership:
        return self.members[1]

    def meetings(self) -> list[Meeting]:
        return list(Meeting.objects.filter(group=self.group).order_by("starts_at"))


def make_group(n_members: int = 6, **fields: object) -> MeetingGroup:
    defaults: dict[str, object] = {
        "state": Group.State.SELF_RUN,
        "weekday": Group.Weekday.TUESDAY,
        "start_time": datetime.time(18),
        "place": "Frivilligsentralen, rom 2",
    }
    group = GroupFactory(**{**defaults, **fields})
    members = [
        MembershipFactory(
            group=group,
            role=Membership.Role.INITIATOR if i == 0 else Membership.Role.MEMBER,
            pledge_signed=True,
        )
        for i in range(n_members)
    ]
    return MeetingGroup(group=group, members=members)


@pytest.fixture
def meeting_group(db) -> MeetingGroup:
    """A self-run group of six signed members with its coming meetings stored."""
    mg = make_group()
    meetings_materialise(group_id=mg.group.pk)
    return mg


def future_meeting(mg: MeetingGroup, index: int = 0) -> Meeting:
    return Meeting.objects.filter(group=mg.group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[index]


def past_meeting(mg: MeetingGroup, days_ago: int = 7) -> Meeting:
    """A meeting that took place ``days_ago`` days ago at 18:00."""
    starts = timezone.now().astimezone(OSLO).replace(
        hour=18, minute=0, second=0, microsecond=0
    ) - datetime.timedelta(days=days_ago)
    return Meeting.objects.create(
        group=mg.group,
        occurrence=starts,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
