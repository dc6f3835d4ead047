#!/usr/bin/env python3
"""Run a command with the machine's clock moved to a hard day (Debian's libfaketime).

The hard days are the instants where code that mixes Oslo time and UTC, ISO
weeks, months and years goes wrong. CI runs the non-browser suite once at a day
drawn from the list (`make test-dates HARD_DAYS=random`) and prints it with the
command that replays it; `make test-dates` runs the suite at every one in turn.

    scripts/hard_days.py list
    scripts/hard_days.py run 2026-12-31T22:30:00Z -- .venv/bin/pytest -q tests/monitoring
    scripts/hard_days.py run random -- ...
    scripts/hard_days.py run all -- ...

How the clock is moved: `faketime -f +<seconds>s`, an offset from the real
clock, so the clock ticks on from the chosen instant. Not faketime's
"@YYYY-MM-DD hh:mm:ss" form: every process parses that in its own local time,
and Django sets TZ=Europe/Oslo, so the Celery workers that tests start would
land an hour away from the test process. An offset in seconds is the same in
every process. TZ=UTC is set for the command (Django reads its own zone from
its settings). The monotonic clock stays real (FAKETIME_DONT_FAKE_MONOTONIC),
so timeouts and lock waits work; `faketime_python/sitecustomize.py` works
around the one call libfaketime 0.9.10 breaks in that mode (`time.sleep`).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shlex
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
HERE = Path(__file__).resolve().parent

# (instant in UTC, why it is hard). Oslo is UTC+1 in winter and UTC+2 in summer.
HARD_DAYS: tuple[tuple[str, str], ...] = (
    # Monday 28 Dec 2026 00:30 in Oslo: ISO week 2026-W53 has begun in Oslo,
    # while in UTC it is still Sunday in week 52.
    ("2026-12-27T23:30:00Z", "Monday of ISO week 2026-W53 in Oslo, Sunday in UTC"),
    # 31 Dec 2026 23:30 in Oslo: the last half hour of the year.
    ("2026-12-31T22:30:00Z", "New Year's Eve, 23:30 in Oslo"),
    # 1 Jan 2027 00:30 in Oslo: a new year and month in Oslo, still 2026 in
    # UTC; the ISO week is still 2026-W53 (until Sunday 3 January).
    ("2026-12-31T23:30:00Z", "New Year, 00:30 in Oslo, still 2026 in UTC"),
    # 28 Mar 2027, the skipped hour: Oslo clocks jump from 02:00 to 03:00, so
    # 02:30 is never shown. Python (zoneinfo, fold=0) and Django's make_aware
    # read 02:30 with the offset from before the jump, +01:00, which is
    # 01:30 UTC: the instant the code itself computes for "02:30", and which
    # Oslo clocks show as 03:30 CEST, half an hour after the jump, on a day
    # of 23 hours.
    ("2027-03-28T01:30:00Z", "the skipped hour: 02:30 Oslo as Python reads it (03:30 CEST)"),
    # 31 Oct 2027, the repeated hour: Oslo clocks go from 03:00 CEST back to
    # 02:00 CET, so 02:30 happens twice; both passes are on the list.
    ("2027-10-31T00:30:00Z", "the repeated hour, first pass: 02:30 CEST in Oslo"),
    ("2027-10-31T01:30:00Z", "the repeated hour, second pass: 02:30 CET in Oslo"),
    # 29 Feb 2028 00:30 in Oslo, still 28 Feb in UTC.
    ("2028-02-28T23:30:00Z", "leap day, 00:30 in Oslo, still 28 February in UTC"),
)


def parse_instant(text: str) -> datetime.datetime:
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise SystemExit(f"{text}: give the instant in UTC, e.g. 2026-12-31T22:30:00Z")
    return value.astimezone(datetime.UTC)


def describe(instant: datetime.datetime) -> str:
    oslo = instant.astimezone(OSLO)
    return (
        f"{instant:%Y-%m-%dT%H:%M:%SZ} = {oslo:%A %d %B %Y %H:%M} {oslo.tzname()} in Oslo, "
        f"ISO week {oslo.isocalendar().year}-W{oslo.isocalendar().week:02d}"
    )


FAKETIME_ENV = ("TZ", "FAKETIME_DONT_FAKE_MONOTONIC", "PYTHONPATH")


def faked(command: list[str], instant: datetime.datetime) -> tuple[list[str], dict[str, str]]:
    """The command under libfaketime with the clock at ``instant`` now, and its environment."""
    offset = round(instant.timestamp() - time.time())
    env = dict(os.environ)
    env["TZ"] = "UTC"
    env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    shim = str(HERE / "faketime_python")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (shim, env.get("PYTHONPATH", "")) if p)
    return ["faketime", "-f", f"{offset:+d}s", *command], env


def run_at(instant: datetime.datetime, command: list[str]) -> tuple[int, str]:
    """Run ``command`` at ``instant``; returns its exit status and last line of output."""
    when = f"{instant:%Y-%m-%dT%H:%M:%SZ}"
    # The database the command will use is part of what is replayed.
    unset = [f"-u {name}" for name in ("DATABASE_URL", "REDIS_URL") if name not in os.environ]
    replay = shlex.join(["scripts/hard_days.py", "run", when, "--", *command])
    if unset:
        replay = f"env {' '.join(unset)} {replay}"
    args, env = faked(command, instant)
    settings = " ".join(f"{name}={shlex.quote(env[name])}" for name in FAKETIME_ENV)
    print(f"\n=== clock at {describe(instant)}", flush=True)
    print(f"=== replay: {replay}", flush=True)
    print(f"=== running: {settings} {shlex.join(args)}", flush=True)
    last = ""
    # The command is the caller's own, from this script's command line.
    with subprocess.Popen(  # noqa: S603
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            if line.strip():
                last = line.strip()
    return proc.returncode, last


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="print the hard days")
    run = sub.add_parser("run", help="run a command at a hard day")
    run.add_argument("when", help="an instant in UTC (…Z), 'random' or 'all'")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- the command to run")
    args = parser.parse_args(argv)

    if args.action == "list":
        for text, why in HARD_DAYS:
            print(f"{describe(parse_instant(text))}  ({why})")
        return 0

    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    if args.when == "all":
        instants = [parse_instant(text) for text, _ in HARD_DAYS]
    elif args.when == "random":
        instants = [parse_instant(random.choice(HARD_DAYS)[0])]
    else:
        instants = [parse_instant(args.when)]

    results = []
    for instant in instants:
        status, last = run_at(instant, command)
        results.append((instant, status, last))
    if len(results) > 1:
        print("\n=== results by date")
        for instant, status, last in results:
            print(f"{'ok    ' if status == 0 else 'FAILED'} {describe(instant)}: {last}")
    return 1 if any(status != 0 for _, status, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
