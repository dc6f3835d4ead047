"""Real Celery worker and beat processes, started the way `make run` starts them.

On the default configuration the broker is a folder (kombu's file-system
transport); with ``REDIS_URL`` set (CI's second run) it is the local Redis.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.db import connection

from core.models import Heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def celery_env(tmp_path: Path) -> dict[str, str]:
    """Environment for child processes: same broker and test database, own queue."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "selvhjelp.settings.base",
        "DATABASE_URL": _database_url(),
        "SELVHJELP_VAR_DIR": str(settings.VAR_DIR),
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
        "SELVHJELP_HEARTBEAT_SECONDS": "1",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "true",
    }
    env["CELERY_BEAT_SCHEDULE_FILENAME"] = str(tmp_path / "beat-schedule")
    return env


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "selvhjelp", *args],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=settings.BASE_DIR,
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_beat_schedules_and_worker_runs_heartbeat(celery_env, tmp_path):
    queue = celery_env["CELERY_QUEUE"]
    worker = _start(
        [
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "-Q",
            # The main queue and the urgent one, where the heartbeat goes.
            f"{queue},{queue}-urgent",
            "--without-mingle",
            "--without-gossip",
        ],
        celery_env,
        tmp_path / "worker.log",
    )
    beat = _start(
        ["beat", "--loglevel=INFO", "-s", celery_env["CELERY_BEAT_SCHEDULE_FILENAME"]],
        celery_env,
        tmp_path / "beat.log",
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if Heartbeat.objects.filter(component="worker").exists():
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert beat.poll() is None, (tmp_path / "beat.log").read_text()
            time.sleep(0.5)
        else:
            pytest.fail(
                "no heartbeat within 60 s\n--- worker\n"
                + (tmp_path / "worker.log").read_text()[-3000:]
                + "\n--- beat\n"
                + (tmp_path / "beat.log").read_text()[-3000:]
            )
    finally:
        _stop(beat)
        _stop(worker)
    assert "core.tasks.heartbeat" in (tmp_path / "worker.log").read_text()


def test_worker_runs_a_task_sent_through_the_broker(celery_env, tmp_path):
    """A task sent by the web side (not eagerly) travels through the broker."""
    from selvhjelp.celery import app

    queue = celery_env["CELERY_QUEUE"]
    worker = _start(
        [
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
        ],
        celery_env,
        tmp_path / "worker.log",
    )
    try:
        with pytest.warns(AlwaysEagerIgnored):  # the test settings run other tasks eagerly
            app.send_task("core.tasks.heartbeat", queue=queue)
        deadline = time.monotonic() + 60
        while not Heartbeat.objects.filter(component="worker").exists():
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            if time.monotonic() > deadline:
                pytest.fail("task not run:\n" + (tmp_path / "worker.log").read_text()[-3000:])
            time.sleep(0.5)
    finally:
        _stop(worker)
