"""Reminder fan-out at 100k: real worker and beat processes to a local SMTP sink.

What it measures, on this machine, in one run:

1. **Floor**: a bare ``smtplib`` loop sending ready-made messages of the same
   size over one connection to the same sink (``aiosmtpd``): the most this
   sink takes from one sender.
2. **Fan-out**: ``--members`` members each with one meeting soon, so that many
   reminders fall due at once. A Celery beat (dispatch every
   ``--dispatch-seconds``) and ``--workers`` workers (``--concurrency`` each)
   scan, claim, render and send them through the outbox, on PostgreSQL and
   Redis. Messages/s counts arrivals at the sink from first to last; due to
   delivered is the time from the rows' due time (the moment the workers
   start) to arrival at the sink, p50/p95/p99, and the share within 5 minutes.
3. **Urgent during the backlog** (``--urgent-after``): that many seconds into
   the fan-out, a member cancels a meeting of a small group of its own; the
   notice to the other member goes through the urgent queue and its own
   worker, and the time from the cancellation to its arrival is reported.

It creates its own database (``selvhjelp_bench_reminders`` on the local
server unless ``--database-url`` says otherwise) and drops it afterwards
unless ``--keep``. Results are printed as a Markdown table for
``docs/benchmarks.md``.

    .venv/bin/python bench/reminders.py                 # 100k, about 10-20 minutes
    .venv/bin/python bench/reminders.py --members 10000  # a quick look
"""

from __future__ import annotations

import argparse
import os
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

import psycopg
from psycopg import sql as pgsql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/selvhjelp_bench_reminders"


def _admin_conninfo(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    return admin, name


def create_database(url: str) -> None:
    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(pgsql.SQL("DROP DATABASE IF EXISTS {}").format(pgsql.Identifier(name)))
        conn.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))


def drop_database(url: str) -> None:
    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name))
        )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def floor(sink_port: int, sample: bytes, count: int) -> float:
    """Messages/s of a bare smtplib loop on one connection."""
    conn = smtplib.SMTP("127.0.0.1", sink_port)
    start = time.perf_counter()
    for i in range(count):
        conn.sendmail("ikke-svar@selvhjelp.example", [f"floor{i}@example.org"], sample)
    elapsed = time.perf_counter() - start
    conn.quit()
    return count / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--floor-messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--dispatch-seconds", type=float, default=60)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--timeout-minutes", type=float, default=30)
    parser.add_argument("--urgent-after", type=float, default=20)
    args = parser.parse_args(argv)

    create_database(args.database_url)
    var_dir = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "selvhjelp.settings.base",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "SELVHJELP_VAR_DIR": str(var_dir),
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "x" * 50,
            "LOG_LEVEL": "WARNING",
            # This process queues the urgent notice; the workers serve these queues.
            "CELERY_QUEUE": queue,
        }
    )
    import django

    django.setup()
    from django.core.mail import EmailMultiAlternatives
    from django.core.management import call_command

    from meetings.reminders import reminder_scan
    from meetings.services import meeting_cancel
    from notifications.models import OutgoingMessage
    from tests.notifications.bulk import members_with_a_meeting_soon
    from tests.notifications.sink import Sink

    procs: list[subprocess.Popen[bytes]] = []
    try:
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        members_with_a_meeting_soon(members=args.members, prefix="b", starts_in_minutes=600)
        print(f"data: {args.members} members in {time.perf_counter() - t:.0f} s", flush=True)

        with Sink(keep_subjects=False) as sink:
            # A message of the size a reminder has (text + HTML alternative).
            sample = EmailMultiAlternatives(
                "Påminnelse: gruppemøte i dag kl. 18:00",
                ("x" * 69 + "\n") * 10,
                to=["a@example.org"],
            )
            sample.attach_alternative("<p>" + ("x" * 69 + "\n") * 13 + "</p>", "text/html")
            floor_rate = floor(
                sink.port, sample.message().as_bytes(linesep="\r\n"), args.floor_messages
            )
            print(f"floor: {floor_rate:.0f} messages/s", flush=True)
            sink.handler.arrivals.clear()

            t = time.perf_counter()
            created = reminder_scan()
            # A small group of two whose meeting one of them cancels mid-run.
            u_emails = members_with_a_meeting_soon(
                members=2, per_group=2, prefix="urgent", starts_in_minutes=3 * 24 * 60
            )
            from accounts.models import User
            from meetings.models import Meeting

            urgent_actor, urgent_to = (User.objects.get(email=e) for e in u_emails)
            urgent_meeting = Meeting.objects.get(group__memberships__user=urgent_actor)
            print(f"scan: {created} reminders in {time.perf_counter() - t:.1f} s", flush=True)
            due = time.time()
            OutgoingMessage.objects.update(
                due_at=django.utils.timezone.now(), next_attempt_at=django.utils.timezone.now()
            )

            env = {
                **os.environ,
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(sink.port),
                "SELVHJELP_OUTBOX_DISPATCH_SECONDS": str(args.dispatch_seconds),
                "SELVHJELP_OUTBOX_BATCH_SIZE": str(args.batch_size),
                "SELVHJELP_HEARTBEAT_SECONDS": "300",
            }
            for i in range(args.workers):
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "celery", "-A", "selvhjelp", "worker",
                         f"--concurrency={args.concurrency}", "-Q", queue,
                         "--without-mingle", "--without-gossip", "--loglevel=WARNING",
                         "-n", f"bench{i}-{uuid.uuid4().hex[:6]}@%h"],
                        env=env, cwd=ROOT, start_new_session=True,
                        stdout=(var_dir / f"worker{i}.log").open("wb"), stderr=subprocess.STDOUT,
                    )
                )  # fmt: skip
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "selvhjelp", "worker",
                     "--concurrency=2", "-Q", f"{queue}-urgent",
                     "--without-mingle", "--without-gossip", "--loglevel=WARNING",
                     "-n", f"urgent-{uuid.uuid4().hex[:6]}@%h"],
                    env=env, cwd=ROOT, start_new_session=True,
                    stdout=(var_dir / "urgent.log").open("wb"), stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "selvhjelp", "beat",
                     "--loglevel=WARNING", "-s", str(var_dir / "beat-schedule")],
                    env=env, cwd=ROOT, start_new_session=True,
                    stdout=(var_dir / "beat.log").open("wb"), stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
            deadline = time.time() + args.timeout_minutes * 60
            last = -1
            cancelled_at: float | None = None
            while time.time() < deadline:
                n = sink.count()
                if cancelled_at is None and time.time() - due >= args.urgent_after:
                    cancelled_at = time.time()
                    meeting_cancel(meeting=urgent_meeting, actor=urgent_actor)
                    print(f"  urgent notice queued with {n} delivered", flush=True)
                if n >= created + 1 and cancelled_at is not None:
                    break
                if n != last and int(time.time()) % 15 == 0:
                    print(f"  {n} delivered after {time.time() - due:.0f} s", flush=True)
                last = n
                time.sleep(1)
            time.sleep(2)
            arrivals = list(sink.handler.arrivals)
        urgent = [a for a in arrivals if a.to == urgent_to.email]
        arrivals = [a for a in arrivals if a.to != urgent_to.email]
        statuses = dict(
            OutgoingMessage.objects.values_list("status").annotate(n=django.db.models.Count("pk"))
        )
        recipients = {a.to for a in arrivals}
        twice = len(arrivals) - len(recipients)
        latencies = [a.at - due for a in arrivals]
        first, last_at = min(a.at for a in arrivals), max(a.at for a in arrivals)
        rate = len(arrivals) / (last_at - first) if last_at > first else float("nan")
        within = sum(1 for x in latencies if x <= 300) / created
        p50, p95, p99 = (percentile(latencies, q) for q in (50, 95, 99))
        rows = [
            ("reminders due at once", f"{created:,}"),
            (
                "arrived at the sink (distinct members), twice",
                f"{len(arrivals):,} ({len(recipients):,}), {twice}",
            ),
            ("outbox rows by status", str(statuses)),
            ("bare smtplib floor, one connection", f"{floor_rate:,.0f} messages/s"),
            (
                "outbox fan-out, first to last arrival",
                f"{rate:,.0f} messages/s ({rate / floor_rate:.0%} of the floor)",
            ),
            ("first arrival after due", f"{first - due:.1f} s"),
            (
                "urgent notice, cancelled → delivered (during the backlog)",
                f"{urgent[0].at - cancelled_at:.1f} s, at {cancelled_at - due:.0f} s into the run"
                if urgent and cancelled_at
                else "not delivered",
            ),
            ("due → delivered p50 / p95 / p99", f"{p50:.0f} s / {p95:.0f} s / {p99:.0f} s"),
            ("delivered within 5 minutes of due", f"{within:.1%}"),
            ("mean due → delivered", f"{statistics.fmean(latencies):.0f} s"),
            (
                "workers × concurrency, batch, dispatch interval",
                f"{args.workers} × {args.concurrency}, {args.batch_size}, "
                f"{args.dispatch_seconds:.0f} s",
            ),
        ]
        print("\n| measure | value |\n|---|---|")
        for name, value in rows:
            print(f"| {name} | {value} |")
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.database_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
