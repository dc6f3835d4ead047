from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from core.models import AuditEvent
from groups.models import Group, Membership
from meetings import nudge
from meetings.models import Meeting
from tests.factories import GroupFactory, MembershipFactory

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=OSLO)


@pytest.fixture
def starting_group():
    # Started on Monday 2026-10-19; meets Tuesdays 18:00, across the DST change of 25 October.
    group = GroupFactory(
        state=Group.State.STARTING,
        weekday=Group.Weekday.TUESDAY,
        start_time=datetime.time(18),
        state_changed_at=at(2026, 10, 19, 12),
    )
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR, pledge_signed=True)
    # Five Tuesdays held and counted, 20 October to 17 November.
    for week in range(5):
        starts = at(2026, 10, 20, 18) + datetime.timedelta(weeks=week)
        Meeting.objects.create(
            group=group,
            occurrence=starts,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            attendance=5,
        )
    return group, initiator


def test_meetings_held_are_past_uncancelled_meetings_with_a_count(starting_group):
    group, _ = starting_group
    assert nudge.meetings_since_start(group=group, now=at(2026, 10, 20, 17, 59)) == 0
    assert nudge.meetings_since_start(group=group, now=at(2026, 10, 20, 18, 0)) == 1
    assert nudge.meetings_since_start(group=group, now=at(2026, 10, 27, 18, 0)) == 2
    assert nudge.meetings_since_start(group=group, now=at(2026, 11, 17, 19, 0)) == 5
    meetings = Meeting.objects.filter(group=group).order_by("starts_at")
    Meeting.objects.filter(pk=meetings[1].pk).update(cancelled_at=at(2026, 10, 26, 12))
    Meeting.objects.filter(pk=meetings[2].pk).update(attendance=None)
    assert nudge.meetings_since_start(group=group, now=at(2026, 11, 17, 19, 0)) == 3


def test_initiators_are_nudged_once_after_five_meetings(
    starting_group, settings, monkeypatch, django_capture_on_commit_callbacks
):
    group, initiator = starting_group
    settings.SELVHJELP_STEP_BACK_NUDGE_AFTER = 5
    monkeypatch.setattr(nudge.timezone, "now", lambda: at(2026, 11, 10, 20))  # 4 meetings
    assert nudge.nudge_group(group.pk) is False
    monkeypatch.setattr(nudge.timezone, "now", lambda: at(2026, 11, 17, 20))  # 5 meetings
    with django_capture_on_commit_callbacks(execute=True):
        nudge.nudge_initiators()
        nudge.nudge_initiators()
    assert [m.to for m in mail.outbox] == [[initiator.user.email]]
    assert group.theme.name_nb not in mail.outbox[0].subject
    assert group.name not in mail.outbox[0].subject + mail.outbox[0].body
    assert AuditEvent.objects.filter(event=AuditEvent.Event.GROUP_STEP_BACK_NUDGED).count() == 1


def test_the_inside_page_asks_the_initiator(starting_group, client, settings, monkeypatch):
    group, initiator = starting_group
    settings.SELVHJELP_STEP_BACK_NUDGE_AFTER = 1
    client.force_login(initiator.user)
    html = client.get(f"/inne/{group.inside_token}/").content.decode()
    assert 'data-color="info"' in html
