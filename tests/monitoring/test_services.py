"""Rebuilding the pre-aggregated meeting cells."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from groups.models import Group
from monitoring import tasks
from monitoring.models import MeetingCell
from monitoring.services import activity_refresh
from tests.factories import GroupFactory

from .conftest import add_meeting, months_ago

pytestmark = pytest.mark.django_db


def cells() -> dict[tuple[str, int, int | None], tuple[int, int]]:
    return {
        (c.month.strftime("%Y-%m"), c.theme_id, c.kommune_id): (c.meetings, c.attendance)
        for c in MeetingCell.objects.all()
    }


def test_cells_hold_meetings_held_and_attendance_per_month_theme_and_area(clock, roles):
    w = roles
    digital = GroupFactory(
        contact_point=w.cp_b, theme=w.theme, format=Group.Format.DIGITAL, kommune=None,
        latitude=None, longitude=None, state=Group.State.SELF_RUN,
    )  # fmt: skip
    add_meeting(w.group, months_ago(2), 4)
    add_meeting(w.group, months_ago(2, day=17), None)  # held, no count recorded
    add_meeting(digital, months_ago(2), 3)
    cancelled = add_meeting(w.group, months_ago(2, day=24), 5)
    cancelled.cancelled_at = timezone.now()
    cancelled.save()
    add_meeting(w.draft_group, months_ago(2), 6)  # drafts are nobody's business
    add_meeting(w.group, timezone.now() + datetime.timedelta(days=3), None)  # not held yet
    assert activity_refresh() == 2
    month = months_ago(2).strftime("%Y-%m")
    assert cells() == {
        (month, w.theme.pk, w.kommune_a.pk): (2, 4),
        (month, w.theme.pk, w.kommune_b.pk): (1, 3),  # the contact point's kommune
    }
    # Twice gives the same cells; the nightly task rebuilds the same.
    assert activity_refresh() == 2
    tasks.refresh_all_activity.apply()
    assert len(cells()) == 2


def test_recent_refresh_leaves_older_months_alone(clock, roles):
    w = roles
    add_meeting(w.group, months_ago(4), 4)
    add_meeting(w.group, months_ago(1), 5)
    activity_refresh()
    add_meeting(w.group, months_ago(4, day=20), 9)  # too old for the frequent run
    add_meeting(w.group, months_ago(1, day=20), 3)
    tasks.refresh_recent_activity.apply()
    assert cells()[(months_ago(4).strftime("%Y-%m"), w.theme.pk, w.kommune_a.pk)] == (1, 4)
    assert cells()[(months_ago(1).strftime("%Y-%m"), w.theme.pk, w.kommune_a.pk)] == (2, 8)
    activity_refresh()
    assert cells()[(months_ago(4).strftime("%Y-%m"), w.theme.pk, w.kommune_a.pk)] == (2, 13)
