"""Loaded (through PYTHONPATH) only by Python processes that scripts/hard_days.py starts.

With the monotonic clock left real (FAKETIME_DONT_FAKE_MONOTONIC=1), the
libfaketime of Debian 12 (0.9.10) turns Python 3.11's ``time.sleep``, which
sleeps with ``clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)``, into an
"Invalid argument" error: it shifts the deadline by the fake offset although
that clock is not faked (fixed upstream in 0.9.11). Faking the monotonic clock
instead would hang every lock wait with a timeout (``sem_clockwait``, which
0.9.10 does not intercept). So ``time.sleep`` waits in ``select`` here, which
takes a relative timeout. Nothing else changes.
"""

from __future__ import annotations

import select
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    select.select([], [], [], seconds)


time.sleep = _sleep
