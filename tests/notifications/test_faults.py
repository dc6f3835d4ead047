"""Fault injection with real worker and beat processes, counted at a real SMTP sink.

A few hundred members each have one meeting soon, so their reminders fall
due at once. Worker children and whole workers are killed with SIGKILL or
stopped with SIGTERM, a Redis of the test's own is restarted or down while a
request queues a message, the sink refuses 30 % of deliveries for a while,
stops listening for a while, or closes the connection after the dot without
answering, a message hangs every worker that tries it, and two beat
processes run at once. After each, every member must have received their
reminder: what arrived at the sink (recorded at the dot, where a server
takes a message) is counted, not what the outbox believes. A member may get
it twice only where the worker could not know whether the server took it,
and then both copies carry the same Message-ID.

These need PostgreSQL (row locks with SKIP LOCKED across processes); on the
SQLite run they are skipped. The Redis tests start their own
``redis-server`` on a free port and are skipped when there is none. Each
test takes seconds; the large runs are in ``bench/reminders.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from notifications.models import OutgoingMessage

from .bulk import members_with_a_meeting_soon
from .sink import Sink, free_port

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MEMBERS = 600
# Faults strike once this many have arrived: well into the run.
MID_RUN = 150
# Generous: CI machines are shared, and a deadline only bounds a failure.
SETTLE_SECONDS = 300


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("fault tests need PostgreSQL (CI's second run)")


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


class Cluster:
    """Worker and beat processes of one test, with the same broker and database."""

    def __init__(self, tmp_path: Path, sink: Sink, broker_url: str, **overrides: str) -> None:
        self.tmp_path = tmp_path
        self.procs: list[subprocess.Popen[bytes]] = []
        self.started = 0.0
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "selvhjelp.settings.base",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": broker_url,
            "CELERY_BROKER_URL": broker_url,
            "SELVHJELP_VAR_DIR": str(settings.VAR_DIR),
            "CELERY_QUEUE": f"faults-{uuid.uuid4().hex[:8]}",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DEBUG": "false",
            "SECRET_KEY": "x" * 50,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "SELVHJELP_HEARTBEAT_SECONDS": "30",
            "SELVHJELP_OUTBOX_DISPATCH_SECONDS": "1",
            "SELVHJELP_OUTBOX_BATCH_SIZE": "50",
            "SELVHJELP_OUTBOX_LEASE_SECONDS": "4",
            "SELVHJELP_OUTBOX_STUCK_SECONDS": "12",
            "SELVHJELP_OUTBOX_RETRY_BASE_SECONDS": "0.5",
            "SELVHJELP_OUTBOX_RETRY_CAP_SECONDS": "2",
            "SELVHJELP_OUTBOX_MAX_ATTEMPTS": "50",
            "LOG_LEVEL": "WARNING",
            **overrides,
        }

    def start(self, kind: str, name: str, concurrency: int = 4) -> subprocess.Popen[bytes]:
        self.started = self.started or time.time()
        if kind == "worker":
            args = [
                "worker",
                f"--concurrency={concurrency}",
                "-Q",
                # The main queue and the urgent one (dispatch, urgent notices).
                f"{self.env['CELERY_QUEUE']},{self.env['CELERY_QUEUE']}-urgent",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=WARNING",
                "-n",
                f"{name}-{uuid.uuid4().hex[:6]}@%h",
            ]
        else:
            args = ["beat", "--loglevel=WARNING", "-s", str(self.tmp_path / f"{name}-schedule")]
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "selvhjelp", *args],
            env=self.env,
            stdout=(self.tmp_path / f"{name}.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=settings.BASE_DIR,
        )
        self.procs.append(proc)
        return proc

    def kill_group(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text()[-2500:]}" for p in sorted(self.tmp_path.glob("*.log"))
        )


@pytest.fixture
def sink() -> Iterator[Sink]:
    with Sink() as s:
        yield s


@pytest.fixture
def emails() -> list[str]:
    return members_with_a_meeting_soon(members=MEMBERS)


@pytest.fixture
def cluster(tmp_path: Path, sink: Sink) -> Iterator[Cluster]:
    broker = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    c = Cluster(tmp_path, sink, broker)
    yield c
    c.stop_all()


def wait_until(
    condition: Callable[[], bool], *, timeout: float, cluster: Cluster, what: str
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{cluster.logs()}")
        time.sleep(0.2)


def report(sink: Sink, emails: list[str], started: float) -> None:
    """One line per fault run for docs/benchmarks.md, when ``FAULT_REPORT`` names a file."""
    path = os.environ.get("FAULT_REPORT")
    if not path:
        return
    counts = sink.per_recipient()
    wanted = set(emails)
    last = max((a.at for a in sink.handler.arrivals), default=started)
    line = {
        "test": os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0],
        "expected": len(emails),
        "delivered": sum(1 for e in emails if counts[e]),
        "lost": sum(1 for e in emails if not counts[e]),
        "twice": sum(n - 1 for e, n in counts.items() if e in wanted and n > 1),
        "seconds": round(last - started, 1),
    }
    with open(path, "a") as f:
        f.write(json.dumps(line) + "\n")


def settled(expected: int) -> bool:
    """Every row is created and none is waiting or in flight any more."""
    return (
        OutgoingMessage.objects.count() == expected
        and not OutgoingMessage.objects.filter(
            status__in=[OutgoingMessage.Status.PENDING, OutgoingMessage.Status.SENDING]
        ).exists()
    )


def assert_delivered(
    sink: Sink, emails: list[str], cluster: Cluster, *, twice_if_unknown: bool = False
) -> None:
    """Nobody lost; nobody twice, unless the outcome was unknown and then with one Message-ID."""
    wait_until(
        lambda: settled(len(emails)),
        timeout=SETTLE_SECONDS,
        cluster=cluster,
        what="every reminder to be sent",
    )
    # A row is marked sent just before its dot: wait for the last dots to land.
    wait_until(
        lambda: all(sink.per_recipient()[e] for e in emails),
        timeout=30,
        cluster=cluster,
        what="every member's reminder at the sink",
    )
    report(sink, emails, cluster.started)
    statuses = set(OutgoingMessage.objects.values_list("status", flat=True))
    assert statuses == {OutgoingMessage.Status.SENT}, statuses
    counts = sink.per_recipient()
    twice = {e: n for e, n in counts.items() if n > 1}
    if not twice_if_unknown:
        assert not twice, f"{len(twice)} members got more than one: {list(twice.items())[:5]}"
        assert sum(counts.values()) == len(emails)
        return
    ids = sink.message_ids()
    # Unknown: the connection died after the message went out, or the
    # worker died before it could mark what the server had taken.
    unknown = set(
        OutgoingMessage.objects.filter(
            Q(unknown_outcomes__gt=0) | Q(workers_lost__gt=0)
        ).values_list("recipient__email", flat=True)
    )
    for address in twice:
        assert len(ids[address]) == 1, f"{address} got copies with different Message-IDs"
        assert address in unknown, f"{address} got two copies though the outcome was known"


def assert_exactly_once(sink: Sink, emails: list[str], cluster: Cluster) -> None:
    assert_delivered(sink, emails, cluster)


def children(proc: subprocess.Popen[bytes]) -> list[int]:
    """Process ids of the worker's pool processes (Linux /proc)."""
    path = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    try:
        return [int(pid) for pid in path.read_text().split()]
    except FileNotFoundError:
        return []


def test_worker_child_killed_mid_run(cluster, sink, emails):
    worker = cluster.start("worker", "worker")
    cluster.start("beat", "beat")
    wait_until(lambda: sink.count() >= MID_RUN, timeout=120, cluster=cluster, what="arrivals")
    kids = children(worker)
    assert kids, "the worker has no pool processes"
    os.kill(kids[0], signal.SIGKILL)
    assert_delivered(sink, emails, cluster, twice_if_unknown=True)


def test_whole_worker_killed_mid_run_and_restarted(cluster, sink, emails):
    worker = cluster.start("worker", "worker")
    cluster.start("beat", "beat")
    wait_until(lambda: sink.count() >= MID_RUN, timeout=120, cluster=cluster, what="arrivals")
    cluster.kill_group(worker)
    cluster.start("worker", "worker-again")
    assert_delivered(sink, emails, cluster, twice_if_unknown=True)


def test_smtp_refusing_30_percent_for_a_while(cluster, sink, emails):
    sink.fail(0.3, seconds=120)
    cluster.start("worker", "worker")
    cluster.start("beat", "beat")
    wait_until(lambda: sink.handler.refused >= 30, timeout=120, cluster=cluster, what="refusals")
    sink.fail(0, seconds=0)
    assert_exactly_once(sink, emails, cluster)
    assert OutgoingMessage.objects.filter(attempts__gt=1).exists()


def test_two_beats_at_once(cluster, sink, emails):
    cluster.start("worker", "worker")
    cluster.start("beat", "beat-one")
    cluster.start("beat", "beat-two")
    assert_exactly_once(sink, emails, cluster)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[str, int]]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server binary")
    port = free_port(os.environ.get("TEST_REDIS_PORTS", ""))
    yield binary, port


def _start_redis(binary: str, port: int, tmp_path: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=(tmp_path / "redis.log").open("ab"),
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        start_new_session=True,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return proc
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _refused(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_redis_restarted_mid_run(tmp_path, sink, emails, own_redis):
    binary, port = own_redis
    redis_proc = _start_redis(binary, port, tmp_path)
    c = Cluster(tmp_path, sink, f"redis://127.0.0.1:{port}/0")
    try:
        c.start("worker", "worker")
        c.start("beat", "beat")
        wait_until(lambda: sink.count() >= MID_RUN, timeout=120, cluster=c, what="arrivals")
        redis_proc.send_signal(signal.SIGKILL)  # queued tasks are lost with it
        redis_proc.wait()
        wait_until(lambda: _refused(port), timeout=30, cluster=c, what="Redis to be gone")
        redis_proc = _start_redis(binary, port, tmp_path)
        assert_exactly_once(sink, emails, c)
    finally:
        c.stop_all()
        if redis_proc.poll() is None:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)


def test_a_request_succeeds_with_redis_down_and_its_message_goes_out_later(
    tmp_path, sink, own_redis
):
    """The web side queues a message while the broker is down; beat sends it later."""
    from django.test import Client

    from groups.models import Group
    from selvhjelp.celery import app
    from tests.conftest import login
    from tests.factories import UserFactory
    from tests.joining.conftest import make_group

    binary, port = own_redis
    broker = f"redis://127.0.0.1:{port}/0"
    group = make_group(
        state=Group.State.SELF_RUN,
        members=2,
        admission=Group.Admission.OPEN,
        open_for_new_members=True,
    )
    seeker = UserFactory()
    c = Cluster(tmp_path, sink, broker)
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = broker
    app.conf.task_always_eager = False
    app._pool = None
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(settings, "SELVHJELP_URGENT_QUEUE", f"{c.env['CELERY_QUEUE']}-urgent")
            assert _refused(port)  # Redis is down
            started = time.monotonic()
            response = login(Client(), seeker).post(
                reverse("joining:request", kwargs={"slug": group.slug}), {"message": "Hei"}
            )
            took = time.monotonic() - started
        assert response.status_code == 302, response.content[:500]
        assert took < 10
        rows = list(OutgoingMessage.objects.values_list("status", "recipient__email"))
        assert rows and {status for status, _ in rows} == {OutgoingMessage.Status.PENDING}

        redis_proc = _start_redis(binary, port, tmp_path)
        try:
            c.start("worker", "worker")
            c.start("beat", "beat")
            wait_until(
                lambda: settled(len(rows)), timeout=SETTLE_SECONDS, cluster=c, what="delivery"
            )
            wait_until(lambda: sink.count() >= len(rows), timeout=30, cluster=c, what="arrivals")
            report(sink, [email.lower() for _, email in rows], c.started)
            assert sorted(sink.per_recipient()) == sorted(email for _, email in rows)
        finally:
            c.stop_all()
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None


# --- Faults the first runs did not cover -------------------------------------------


def test_smtp_server_killed_for_a_while(cluster, sink, emails):
    cluster.start("worker", "worker")
    cluster.start("beat", "beat")
    wait_until(lambda: sink.count() >= MID_RUN, timeout=120, cluster=cluster, what="arrivals")
    sink.stop_for(5)  # connections refused, then back on the same port
    assert_delivered(sink, emails, cluster, twice_if_unknown=True)


def test_connection_closed_after_the_dot_without_a_reply(cluster, sink, emails):
    sink.drop_after_dot(0.05, seconds=60)
    cluster.start("worker", "worker")
    cluster.start("beat", "beat")
    wait_until(
        lambda: sink.handler.dropped >= 5, timeout=120, cluster=cluster, what="dropped replies"
    )
    sink.drop_after_dot(0, seconds=0)
    assert_delivered(sink, emails, cluster, twice_if_unknown=True)
    assert OutgoingMessage.objects.filter(unknown_outcomes__gt=0).count() >= 5


def test_worker_stopped_with_sigterm_mid_batch(cluster, sink, emails):
    worker = cluster.start("worker", "worker")
    cluster.start("beat", "beat")
    wait_until(lambda: sink.count() >= MID_RUN, timeout=120, cluster=cluster, what="arrivals")
    worker.send_signal(signal.SIGTERM)  # warm shutdown: running batches finish
    worker.wait(timeout=60)
    cluster.start("worker", "worker-again")
    assert_exactly_once(sink, emails, cluster)


def test_a_poison_message_fails_alone_and_blocks_nobody(tmp_path, sink):
    """A message whose delivery never answers hangs its worker until the time limit."""
    emails = members_with_a_meeting_soon(members=60, per_group=60, prefix="p")
    poison = emails[0]
    sink.handler.hang_for.add(poison)
    c = Cluster(
        tmp_path,
        sink,
        os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        SELVHJELP_OUTBOX_STUCK_SECONDS="20",
        SELVHJELP_OUTBOX_MAX_ATTEMPTS="2",
        SELVHJELP_OUTBOX_BATCH_SIZE="20",
    )
    try:
        c.start("worker", "worker", concurrency=2)
        c.start("beat", "beat")
        wait_until(lambda: settled(len(emails)), timeout=SETTLE_SECONDS, cluster=c, what="settling")
    finally:
        c.stop_all()
    report(sink, emails[1:], c.started)
    row = OutgoingMessage.objects.get(recipient__email=poison)
    assert (row.status, row.last_error, row.workers_lost) == (
        OutgoingMessage.Status.FAILED,
        "worker lost",
        2,
    )
    others = emails[1:]
    counts = sink.per_recipient()
    assert [e for e in others if counts[e] != 1] == []
    assert counts[poison] == 0
