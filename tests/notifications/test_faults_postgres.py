"""PostgreSQL restarted or crashed while reminders go out, on a cluster of the test's own.

The test creates its own cluster with ``initdb`` on another port (never the
shared server), with ``synchronous_commit`` off as its default, copies the
schema of the test database into it, fills it with a few hundred members
with a meeting soon, and runs a worker and a beat against it. Mid-run the
cluster is restarted (``pg_ctl -m fast``) or crashed (``-m immediate``, no
checkpoint, what was not flushed is gone). Every member must get their
reminder exactly once, counted at the sink: a batch that loses the database
drops its SMTP connection before the dot and is given back, and a sent mark
is flushed before the message goes (the batch asks for synchronous commits
whatever the server's default). Skipped without PostgreSQL's server tools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from .sink import Sink, free_port
from .test_faults import MID_RUN, SETTLE_SECONDS, Cluster, _database_url, report

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MEMBERS = 400


class OwnPostgres:
    """A PostgreSQL cluster in a temporary folder, on a port of its own."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="selvhjelp-pg-"))
        self.data = self.root / "data"
        self.port = free_port(os.environ.get("TEST_PG_PORTS", ""))
        # initdb and postgres refuse to run as root.
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.root.chmod(0o755)
            self.run_as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        # No pipes: a server started by pg_ctl would hold them open.
        subprocess.run(
            [*self.run_as, *args],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}"
            " -c synchronous_commit=off -c fsync=on"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def restart_fast(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-m",
            "fast",
            "-w",
            "restart",
        )

    def crash_and_start(self, down_for: float) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        time.sleep(down_for)
        self.start()

    def destroy(self) -> None:
        subprocess.run(
            [*self.run_as, "pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    if connection.vendor != "postgresql":
        pytest.skip("fault tests need PostgreSQL (CI's second run)")
    if not all(shutil.which(tool) for tool in ("initdb", "pg_ctl", "pg_dump", "psql")):
        pytest.skip("no PostgreSQL server tools")
    pg = OwnPostgres()
    try:
        pg.create()
    except (subprocess.CalledProcessError, LookupError, PermissionError) as exc:
        pg.destroy()
        pytest.skip(f"cannot create a PostgreSQL cluster here: {exc}")
    yield pg
    pg.destroy()


def _prepare(pg: OwnPostgres) -> tuple[str, list[str]]:
    """The test database's schema and ``MEMBERS`` members with a meeting soon, in ``pg``."""
    with psycopg.connect(pg.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE selvhjelp_faults")
    url = pg.url("selvhjelp_faults")
    schema = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", _database_url()],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    # earthdistance's functions find their types through the search path,
    # which pg_dump empties for the restore; the index on ll_to_earth needs it.
    schema = schema.replace(b"SELECT pg_catalog.set_config('search_path', '', false);", b"")
    restored = subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", url], input=schema, capture_output=True
    )
    assert restored.returncode == 0, restored.stderr.decode()[-2000:]
    seed = (
        "import django; django.setup()\n"
        "from tests.notifications.bulk import members_with_a_meeting_soon\n"
        f"print('\\n'.join(members_with_a_meeting_soon(members={MEMBERS}, prefix='pg')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", seed],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "selvhjelp.settings.base",
            "DATABASE_URL": url,
            "SECRET_KEY": "x" * 50,
            "SELVHJELP_VAR_DIR": str(settings.VAR_DIR),
        },
    ).stdout.decode()
    return url, [line for line in out.splitlines() if "@" in line]


def _in_doubt(url: str) -> set[str]:
    """Members whose row a worker could not finish: its outcome unknown, or its worker lost."""
    with psycopg.connect(url, connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT u.email FROM notifications_outgoingmessage m"
            " JOIN accounts_user u ON u.id = m.recipient_id"
            " WHERE m.unknown_outcomes > 0 OR m.workers_lost > 0"
        ).fetchall()
    return {email.lower() for (email,) in rows}


def _statuses(url: str) -> dict[str, int]:
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            rows = conn.execute(
                "SELECT status, count(*) FROM notifications_outgoingmessage GROUP BY status"
            ).fetchall()
    except psycopg.OperationalError:
        return {}
    return dict(rows)


def _run_with(pg: OwnPostgres, tmp_path: Path, fault, *, twice_if_in_doubt: bool = False) -> None:  # type: ignore[no-untyped-def]
    url, emails = _prepare(pg)
    assert len(emails) == MEMBERS
    broker = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    with Sink() as sink:
        c = Cluster(tmp_path, sink, broker, DATABASE_URL=url)
        try:
            c.start("worker", "worker")
            c.start("beat", "beat")
            deadline = time.monotonic() + 120
            while sink.count() < MID_RUN:
                if time.monotonic() > deadline:
                    pytest.fail(f"no arrivals\n{c.logs()}")
                time.sleep(0.05)
            fault()
            deadline = time.monotonic() + SETTLE_SECONDS
            while _statuses(url) != {"sent": MEMBERS}:
                if time.monotonic() > deadline:
                    pytest.fail(f"not settled: {_statuses(url)}\n{c.logs()}")
                time.sleep(0.5)
            deadline = time.monotonic() + 30
            while not all(sink.per_recipient()[e] for e in emails):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
        finally:
            c.stop_all()
        report(sink, emails, c.started)
        counts = sink.per_recipient()
        ids = sink.message_ids()
    missing = [e for e in emails if counts[e] == 0]
    twice = {e: n for e, n in counts.items() if n > 1}
    assert not missing, f"{len(missing)} members got no reminder"
    if twice_if_in_doubt:
        in_doubt = _in_doubt(url)
        for address in twice:
            assert len(ids[address]) == 1, f"{address} got copies with different Message-IDs"
            assert address in in_doubt, f"{address} got two copies though nothing was in doubt"
        return
    assert not twice, f"{len(twice)} members got more than one: {list(twice.items())[:5]}"


def test_postgresql_fast_restart_mid_run(own_postgres, tmp_path):
    _run_with(own_postgres, tmp_path, own_postgres.restart_fast)


def test_postgresql_crash_mid_run(own_postgres, tmp_path):
    # A batch whose worker cannot write a mark until its time limit leaves
    # that row to the sweeper: a second copy, with the same Message-ID.
    _run_with(
        own_postgres,
        tmp_path,
        lambda: own_postgres.crash_and_start(down_for=2),
        twice_if_in_doubt=True,
    )
