"""Beat's crontab schedules in Oslo time, safe in the repeated hour of October.

When clocks go back (03:00 CEST → 02:00 CET on the last Sunday of October),
02:00–02:59 happens twice. Celery's crontab (5.7) works out the next run on
the wall clock and loses which pass of that hour it meant: a beat that starts
or restarts in the second pass finds the next run, say 02:40, in the first
pass, which is already over, so the entry is due at once, again and again:
beat sends the task in a tight loop until the wall clock passes 02:40 a second
time. This ``crontab`` takes the second pass when the first one is not after
the last run.

Everything else is Celery's. A beat that runs through the night still runs the
hourly and quarter-hourly entries on the first pass of the repeated hour only
(they are idempotent scans; an hour without them is harmless), and in March's
skipped hour a time that does not exist runs an hour later (02:40 → 03:40).
``tests/core/test_beat_schedule.py`` replays beat through both nights.
"""

from __future__ import annotations

import datetime

from celery import schedules


class crontab(schedules.crontab):
    """A drop-in for ``celery.schedules.crontab``."""

    def remaining_estimate(
        self, last_run_at: datetime.datetime, ffwd: type = schedules.ffwd
    ) -> datetime.timedelta:
        start, delta, now = self.remaining_delta(last_run_at, ffwd=ffwd)
        if not isinstance(delta, schedules.ffwd):
            # A plain duration (schedules on chosen days of the month): real time already.
            return super().remaining_estimate(last_run_at, ffwd=ffwd)
        # ffwd sets the wall-clock fields and then adds a timedelta, which puts
        # ``fold`` back to 0, the first pass of a repeated hour.
        first = start + delta
        second = first.replace(fold=1)
        offset_first, offset_second = first.utcoffset(), second.utcoffset()
        utc = datetime.UTC
        if (
            offset_first is not None
            and offset_second is not None
            # A repeated time, not a skipped one: its first pass is in summer time.
            and offset_second < offset_first
            and first.astimezone(utc) <= start.astimezone(utc)
        ):
            first = second
        return first.astimezone(utc) - now.astimezone(utc)
