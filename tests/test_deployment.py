"""The deployment files, checked without Docker (no engine runs here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services(compose):
    assert set(compose["services"]) == {
        "postgres",
        "redis",
        "migrate",
        "web",
        "worker",
        "worker-urgent",
        "beat",
    }


def test_each_queue_has_its_worker(compose):
    """The main queue and the urgent one (notices due now, heartbeat, dispatch)."""
    queues = {
        name: service["command"][service["command"].index("-Q") + 1]
        for name, service in compose["services"].items()
        if "worker" in service.get("command", [])
    }
    assert queues == {"worker": "selvhjelp", "worker-urgent": "selvhjelp-urgent"}
    assert compose["services"]["postgres"]["image"].startswith("postgres:15")
    assert compose["services"]["redis"]["image"].startswith("redis:7")


def test_every_long_running_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        if name == "migrate":
            continue
        check = service.get("healthcheck", {})
        assert check.get("test"), f"{name} has no health check"
        assert check["test"][0] in {"CMD", "CMD-SHELL"}


def test_exactly_one_beat(compose):
    beats = [
        name
        for name, service in compose["services"].items()
        if "beat" in " ".join(map(str, service.get("command", [])))
    ]
    assert beats == ["beat"]
    assert compose["services"]["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_app_services_run_production_settings_against_postgres_and_redis(compose):
    for name in ("migrate", "web", "worker", "beat"):
        service = compose["services"][name]
        env = service["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "selvhjelp.settings.prod"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        # Secrets are required from the operator, never defaulted in the file.
        assert ":?" in env["SECRET_KEY"]
        assert ":?" in env["ALLOWED_HOSTS"]
    for name in ("web", "worker", "beat"):
        depends = compose["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_data_lives_in_named_volumes(compose):
    declared = set(compose["volumes"])
    assert {"pgdata", "redisdata"} <= declared
    used = set()
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            used.add(volume.split(":", 1)[0])
    assert "pgdata" in used and "redisdata" in used
    assert used <= declared | {v for v in used if v.startswith((".", "/"))}


def test_web_runs_gunicorn_and_is_published_on_loopback_only(compose):
    web = compose["services"]["web"]
    assert web["command"][0] == "gunicorn"
    assert all(port.startswith("127.0.0.1:") for port in web["ports"])


def test_dockerfile_installs_every_local_app():
    dockerfile = (ROOT / "Dockerfile").read_text()
    local_apps = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()]
    for app in [*local_apps, "selvhjelp"]:
        assert re.search(rf"^COPY {app} \./{app}$", dockerfile, re.M), f"{app} not copied"


def test_production_settings_name_what_is_missing():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "selvhjelp.settings.prod"
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/selvhjelp"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    message = result.stderr
    assert "SECRET_KEY" in message and "REDIS_URL" in message and "ALLOWED_HOSTS" in message
    assert "DATABASE_URL" not in message.split("variables:")[1].split(".")[0]
