"""The schedule in Oslo wall-clock time, and the stored meetings that follow it."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from groups.models import Group, parse_byday, validate_byday
from meetings import schedule
from meetings.models import Meeting
from meetings.services import meetings_materialise, meetings_materialise_all, schedule_change
from tests.factories import GroupFactory

from .conftest import OSLO, at, make_group

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def starts(group_id: int) -> list[datetime.datetime]:
    return list(
        Meeting.objects.filter(group_id=group_id)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    )


@pytest.mark.parametrize(
    ("before", "after", "summer_first"),
    [
        # 2026: summer time from 29 March, winter time from 25 October.
        (at(2026, 3, 24), at(2026, 3, 31), False),
        (at(2026, 10, 20), at(2026, 10, 27), True),
        # 2027: 28 March and 31 October.
        (at(2027, 3, 23), at(2027, 3, 30), False),
        (at(2027, 10, 26), at(2027, 11, 2), True),
    ],
)
def test_local_time_stays_across_daylight_saving_changes(before, after, summer_first):
    group = GroupFactory(state=Group.State.SELF_RUN, weekday=Group.Weekday.TUESDAY)
    found = schedule.occurrences(
        group,
        start=before.replace(hour=0),
        end=after.replace(hour=23),
        anchor=before.date(),
    )
    assert [begins.astimezone(OSLO).time() for begins, _ in found] == [datetime.time(18)] * 2
    assert [begins.astimezone(OSLO).date() for begins, _ in found] == [before.date(), after.date()]
    offsets = [begins.astimezone(OSLO).utcoffset() for begins, _ in found]
    summer, winter = datetime.timedelta(hours=2), datetime.timedelta(hours=1)
    assert offsets == ([summer, winter] if summer_first else [winter, summer])
    # In UTC the meeting moves by an hour: that is the point.
    utc_hours = [begins.astimezone(UTC).hour for begins, _ in found]
    assert utc_hours == ([16, 17] if summer_first else [17, 16])
    assert all(ends - begins == datetime.timedelta(hours=2) for begins, ends in found)


def test_stored_meetings_keep_18_across_the_october_2026_change():
    mg = make_group()
    meetings_materialise(group_id=mg.group.pk, now=at(2026, 10, 1, 12))
    local_starts = [value.astimezone(OSLO) for value in starts(mg.group.pk)]
    assert len(local_starts) >= 16
    assert {value.time() for value in local_starts} == {datetime.time(18)}
    assert {value.weekday() for value in local_starts} == {1}
    assert at(2026, 10, 20, 18) in local_starts and at(2026, 10, 27, 18) in local_starts
    assert {value.astimezone(UTC).hour for value in local_starts} == {16, 17}


def test_fortnightly_parity_holds_from_the_anchor_across_the_year_change():
    group = GroupFactory(
        state=Group.State.SELF_RUN,
        weekday=Group.Weekday.THURSDAY,
        cadence=Group.Cadence.FORTNIGHTLY,
        schedule_anchor=datetime.date(2026, 11, 16),  # a Monday
    )
    found = schedule.occurrences(group, start=at(2026, 11, 16), end=at(2027, 2, 1))
    days = [begins.astimezone(OSLO).date() for begins, _ in found]
    assert days[:4] == [
        datetime.date(2026, 11, 19),
        datetime.date(2026, 12, 3),
        datetime.date(2026, 12, 17),
        datetime.date(2026, 12, 31),
    ]
    assert all((b - a).days == 14 for a, b in itertools.pairwise(days))
    # Looking from a later week gives the same weeks, not a shifted parity.
    later = schedule.occurrences(group, start=at(2026, 11, 24), end=at(2026, 12, 20))
    assert [b.astimezone(OSLO).date() for b, _ in later] == [
        datetime.date(2026, 12, 3),
        datetime.date(2026, 12, 17),
    ]


def test_custom_days_meet_on_each_chosen_day():
    group = GroupFactory(
        state=Group.State.SELF_RUN,
        cadence=Group.Cadence.CUSTOM,
        custom_days="MO,TH",
        start_time=datetime.time(10, 30),
    )
    found = schedule.occurrences(group, start=at(2027, 3, 22), end=at(2027, 4, 5))
    assert [b.astimezone(OSLO).replace(tzinfo=None) for b, _ in found] == [
        datetime.datetime(2027, 3, 22, 10, 30),
        datetime.datetime(2027, 3, 25, 10, 30),
        datetime.datetime(2027, 3, 29, 10, 30),  # after the change to summer time
        datetime.datetime(2027, 4, 1, 10, 30),
    ]
    with translation.override("en"):
        assert str(group.cadence_text) == "Mondays and Thursdays 10:30–12:30"


@pytest.mark.parametrize("value", ["MO,XX", "monday", "MO,MO", "MO;TH", ","])
def test_bad_day_lists_are_refused(value):
    with pytest.raises(ValidationError):
        validate_byday(value)


def test_day_lists_are_read_in_week_order():
    assert parse_byday("TH,MO") == [0, 3]
    validate_byday("MO,TH")
    validate_byday("")


def test_custom_cadence_needs_days_in_the_database():
    with pytest.raises(IntegrityError):
        GroupFactory(cadence=Group.Cadence.CUSTOM, custom_days="")


def test_materialising_is_idempotent_and_unique_per_occurrence():
    mg = make_group()
    now = at(2026, 11, 23, 12)
    created = meetings_materialise(group_id=mg.group.pk, now=now)
    assert created == 17
    assert meetings_materialise(group_id=mg.group.pk, now=now) == 0
    assert meetings_materialise_all(now=now) == 0
    assert Meeting.objects.filter(group=mg.group).count() == 17
    with pytest.raises(IntegrityError):
        first = Meeting.objects.filter(group=mg.group).first()
        assert first is not None
        Meeting.objects.create(
            group=mg.group,
            occurrence=first.occurrence,
            starts_at=first.starts_at,
            ends_at=first.ends_at,
        )


def test_only_groups_that_meet_get_meetings():
    forming = make_group(state=Group.State.FORMING)
    paused = make_group(state=Group.State.PAUSED)
    starting = make_group(state=Group.State.STARTING)
    now = at(2026, 11, 23, 12)
    meetings_materialise_all(now=now)
    assert not Meeting.objects.filter(group__in=[forming.group, paused.group]).exists()
    assert Meeting.objects.filter(group=starting.group).count() == 17


def test_pausing_removes_untouched_meetings_and_keeps_changed_ones():
    mg = make_group()
    now = at(2026, 11, 23, 12)
    meetings_materialise(group_id=mg.group.pk, now=now)
    cancelled = Meeting.objects.filter(group=mg.group).order_by("starts_at")[2]
    cancelled.cancelled_at = now
    cancelled.save()
    mg.group.state = Group.State.PAUSED
    mg.group.save()
    meetings_materialise(group_id=mg.group.pk, now=now)
    assert list(Meeting.objects.filter(group=mg.group)) == [cancelled]
    # Hidden from everything that lists or reminds while paused.
    assert not Meeting.objects.upcoming(now).filter(group=mg.group).exists()
    assert not Meeting.objects.due_for_reminder(now).exists()
    mg.group.state = Group.State.SELF_RUN
    mg.group.save()
    meetings_materialise(group_id=mg.group.pk, now=now)
    assert Meeting.objects.filter(group=mg.group).count() == 17
    assert Meeting.objects.due_for_reminder(now).filter(group=mg.group).count() == 16


def test_a_schedule_change_replaces_untouched_meetings_only():
    mg = make_group()
    meetings_materialise(group_id=mg.group.pk)
    moved = Meeting.objects.filter(group=mg.group).order_by("starts_at")[1]
    moved.place = "Biblioteket"
    moved.changed_at = moved.starts_at - datetime.timedelta(days=1)
    moved.save()
    schedule_change(
        group=mg.group,
        actor=mg.member.user,
        data={
            "weekday": Group.Weekday.THURSDAY,
            "start_time": datetime.time(19, 30),
            "duration_minutes": 90,
            "cadence": Group.Cadence.WEEKLY,
            "custom_days": "",
        },
    )
    rest = Meeting.objects.filter(group=mg.group).exclude(pk=moved.pk)
    assert {m.starts_at.astimezone(OSLO).weekday() for m in rest} == {3}
    assert {m.starts_at.astimezone(OSLO).time() for m in rest} == {datetime.time(19, 30)}
    assert {m.ends_at - m.starts_at for m in rest} == {datetime.timedelta(minutes=90)}
    assert Meeting.objects.filter(pk=moved.pk, place="Biblioteket").exists()


def test_wall_clock_times_in_the_changeover_hours():
    # 02:30 does not exist on 29 March 2026: clocks jump from 02:00 to 03:00.
    skipped = schedule.aware(datetime.datetime(2026, 3, 29, 2, 30))
    assert skipped.astimezone(OSLO).replace(tzinfo=None) == datetime.datetime(2026, 3, 29, 3, 30)
    # 02:30 happens twice on 25 October 2026: the first (summer time) is taken.
    twice = schedule.aware(datetime.datetime(2026, 10, 25, 2, 30))
    assert twice.utcoffset() == datetime.timedelta(hours=2)
