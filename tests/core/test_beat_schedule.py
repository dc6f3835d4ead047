"""Beat's schedule in Oslo time across the daylight-saving changes.

Beat is replayed second by second (in steps of 30 s) the way its loop asks
each entry: due now? If so, the task is sent and the entry is asked again
at once. An entry that is due again at the same instant would make beat send
it in a tight loop.
"""

from __future__ import annotations

import copy
import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from celery import schedules
from django.conf import settings

from selvhjelp.schedules import crontab

OSLO = ZoneInfo("Europe/Oslo")
UTC = datetime.UTC
STEP = datetime.timedelta(seconds=30)


def crontab_entries() -> dict[str, schedules.crontab]:
    entries = copy.deepcopy(settings.CELERY_BEAT_SCHEDULE)
    return {
        name: entry["schedule"]
        for name, entry in entries.items()
        if isinstance(entry["schedule"], schedules.crontab)
    }


def replay_beat(
    entries: dict[str, schedules.crontab], start: datetime.datetime, hours: int
) -> tuple[Counter[str], Counter[str]]:
    """Sends per entry, and sends that came right after another one (a loop)."""
    last = dict.fromkeys(entries, start.astimezone(OSLO))  # a fresh beat: "just ran"
    sent: Counter[str] = Counter()
    looped: Counter[str] = Counter()
    now = start
    while now < start + datetime.timedelta(hours=hours):
        local = now.astimezone(OSLO)
        for name, schedule in entries.items():
            schedule.nowfun = lambda local=local: local
            for attempt in range(3):
                if not schedule.is_due(last[name]).is_due:
                    break
                sent[name] += 1
                if attempt:
                    looped[name] += 1
                last[name] = local
        now += STEP
    return sent, looped


def test_every_crontab_entry_is_the_oslo_safe_one():
    entries = crontab_entries()
    assert entries
    for name, schedule in entries.items():
        assert isinstance(schedule, crontab), name
        assert schedule.tz == OSLO


@pytest.mark.parametrize(
    "start",
    [
        # Beat runs through the night clocks skip 02:00-02:59 (28 March 2027).
        datetime.datetime(2027, 3, 27, 12, 0, tzinfo=UTC),
        # Beat runs through the night 02:00-02:59 comes twice (31 October 2027).
        datetime.datetime(2027, 10, 30, 12, 0, tzinfo=UTC),
        # Beat starts (or restarts) in the second pass of the repeated hour.
        datetime.datetime(2027, 10, 31, 1, 0, tzinfo=UTC),  # 02:00 CET
        datetime.datetime(2027, 10, 31, 1, 30, tzinfo=UTC),  # 02:30 CET
        datetime.datetime(2027, 10, 31, 1, 59, tzinfo=UTC),  # 02:59 CET
    ],
    ids=[
        "skipped-hour",
        "repeated-hour",
        "start-at-0200-cet",
        "start-at-0230-cet",
        "start-at-0259-cet",
    ],
)
def test_no_entry_is_sent_in_a_loop_and_daily_ones_run_once(start):
    entries = crontab_entries()
    sent, looped = replay_beat(entries, start, hours=24)
    assert not looped
    for name, schedule in entries.items():
        if len(schedule.hour) == 1 and len(schedule.day_of_week) == 7:  # once a day
            assert sent[name] == 1, name
        elif len(schedule.hour) == 24 and len(schedule.minute) == 1:  # once an hour
            assert 22 <= sent[name] <= 25, name
        elif len(schedule.hour) == 24:  # several times an hour
            assert sent[name] >= 22 * len(schedule.minute), name


def test_celery_s_own_crontab_loops_in_the_repeated_hour():
    """Why ``selvhjelp.schedules.crontab`` exists: remove it when this fails."""
    ours = crontab_entries()["meetings-materialise"]
    theirs = {"plain": schedules.crontab(minute=ours._orig_minute, hour=ours._orig_hour)}
    _sent, looped = replay_beat(theirs, datetime.datetime(2027, 10, 31, 1, 30, tzinfo=UTC), 1)
    assert looped["plain"] > 0
