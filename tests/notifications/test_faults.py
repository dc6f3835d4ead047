"""Fault injection with real worker and beat processes, counted at a real SMTP sink.

2,000 members each have one meeting soon, so 2,000 reminders fall due at
once. Worker children and whole workers are killed with SIGKILL, a Redis of
the test's own is restarted, the sink refuses 30 % of deliveries for a
while, and two beat processes run at once. After each, every member must
have received exactly one reminder: what arrived at the sink is counted,
not what the outbox believes.

These need PostgreSQL (row locks with SKIP LOCKED across processes); on the
SQLite run they are skipped. The Redis test starts its own ``redis-server``
on a free port and is skipped when there is none.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import OutgoingMessage

from .bulk import members_with_a_meeting_soon
from .sink import Sink, free_port

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MEMBERS = 2000


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

    def __init__(self, tmp_path: Path, sink: Sink, broker_url: str) -> None:
        self.tmp_path = tmp_path
        self.procs: list[subprocess.Popen[bytes]] = []
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
        }

    def start(self, kind: str, name: str, concurrency: int = 4) -> subprocess.Popen[bytes]:
        if kind == "worker":
            args = [
                "worker",
                f"--concurrency={concurrency}",
                "-Q",
                self.env["CELERY_QUEUE"],
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


def wait_until(condition, *, timeout: float, cluster: Cluster, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{cluster.logs()}")
        time.sleep(0.2)


def assert_exactly_once(sink: Sink, emails: list[str], cluster: Cluster) -> None:
    def settled() -> bool:
        return not OutgoingMessage.objects.exclude(status=OutgoingMessage.Status.SENT).exists()

    wait_until(
        lambda: OutgoingMessage.objects.count() == len(emails) and settled(),
        timeout=120,
        cluster=cluster,
        what="every reminder to be sent",
    )
    time.sleep(1.5)  # anything still on the wire arrives
    counts = sink.per_recipient()
    missing = [e for e in emails if counts[e] == 0]
    twice = {e: n for e, n in counts.items() if n > 1}
    assert not missing, f"{len(missing)} members got no reminder"
    assert not twice, f"{len(twice)} members got more than one: {list(twice.items())[:5]}"
    assert sum(counts.values()) == len(emails)


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
    wait_until(lambda: sink.count() >= 400, timeout=60, cluster=cluster, what="400 arrivals")
    kids = children(worker)
    assert kids, "the worker has no pool processes"
    os.kill(kids[0], signal.SIGKILL)
    assert_exactly_once(sink, emails, cluster)


def test_whole_worker_killed_mid_run_and_restarted(cluster, sink, emails):
    worker = cluster.start("worker", "worker")
    cluster.start("beat", "beat")
    wait_until(lambda: sink.count() >= 400, timeout=60, cluster=cluster, what="400 arrivals")
    cluster.kill_group(worker)
    time.sleep(1)
    cluster.start("worker", "worker-again")
    assert_exactly_once(sink, emails, cluster)


def test_smtp_refusing_30_percent_for_a_while(cluster, sink, emails):
    sink.fail(0.3, seconds=8)
    cluster.start("worker", "worker")
    cluster.start("beat", "beat")
    assert_exactly_once(sink, emails, cluster)
    assert sink.handler.refused > 0
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
    port = free_port()
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


def test_redis_restarted_mid_run(tmp_path, sink, emails, own_redis):
    binary, port = own_redis
    redis_proc = _start_redis(binary, port, tmp_path)
    c = Cluster(tmp_path, sink, f"redis://127.0.0.1:{port}/0")
    try:
        c.start("worker", "worker")
        c.start("beat", "beat")
        wait_until(lambda: sink.count() >= 400, timeout=60, cluster=c, what="400 arrivals")
        redis_proc.send_signal(signal.SIGKILL)  # queued tasks are lost with it
        redis_proc.wait()
        time.sleep(2)
        redis_proc = _start_redis(binary, port, tmp_path)
        assert_exactly_once(sink, emails, c)
    finally:
        c.stop_all()
        if redis_proc.poll() is None:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
