#!/usr/bin/env python
"""Load proof: Locust against gunicorn + PostgreSQL + Redis on this machine.

1. creates (or reuses) the database ``selvhjelp_load``, migrates it and fills
   it with ``seed_demo --force`` and ``bench/load_seed.py`` (extra groups,
   members with upcoming meetings);
2. collects static files into a scratch folder and starts gunicorn with
   production settings over loopback (``bench.settings_load``: DEBUG off,
   PostgreSQL, Redis cache, one trusted proxy; see that module);
3. runs ``bench/load.py`` headless: ``--users`` visitors (default 50) spawned
   at ``--spawn-rate`` per second, for ``--duration`` seconds (default 60);
4. prints error rate and percentiles per request kind and, unless
   ``--no-docs``, writes them into ``docs/benchmarks.md`` (section "Load").

Run from the repository root:

    .venv/bin/python bench/load_run.py
    .venv/bin/python bench/load_run.py --users 20 --duration 30 --no-docs

Target: 0 errors; p95 under 200 ms for every kind of request but the login
POST, which may take up to 1.5 s (password hashing). It also reports the
CPU of gunicorn, of the workers' PostgreSQL backends and of Locust itself,
and requests per second per core.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
import redis
from psycopg import sql as pgsql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOCS = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- load-run:begin -->", "<!-- load-run:end -->"
TARGET_P95_MS = 200
# Password hashing stays as strong as it is: a login may take longer.
TARGET_LOGIN_P95_MS = 1500
LOGIN = "/konto/login/ (POST)"


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/selvhjelp_load"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--groups", type=int, default=2000, help="public groups in total")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument(
        "--skip-seed", action="store_true", help="reuse the data of an earlier run as it is"
    )
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument(
        "--account-form-floor-ms",
        type=int,
        default=None,
        help="SELVHJELP_ACCOUNT_FORM_FLOOR_MS for the server (default: the settings' 250)",
    )
    return parser


def ensure_database(url: str, *, fresh: bool) -> None:
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info["dbname"]
    info["dbname"] = "postgres"
    with psycopg.connect(psycopg.conninfo.make_conninfo(**info), autocommit=True) as conn:
        if fresh:
            conn.execute(
                pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name))
            )
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))


def server_env(args: argparse.Namespace, static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings_load",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        ALLAUTH_TRUSTED_PROXY_COUNT="1",
        BENCH_STATIC_ROOT=static_root,
        # Tasks (e-mail to the other members after a notice) run in the
        # worker in production; none runs here, so they wait in Redis.
        CELERY_TASK_ALWAYS_EAGER="false",
        LOG_LEVEL="WARNING",
        **(
            {"SELVHJELP_ACCOUNT_FORM_FLOOR_MS": str(args.account_form_floor_ms)}
            if args.account_form_floor_ms is not None
            else {}
        ),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


def run(env: dict[str, str], *command: str) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def wait_until_up(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),  # refused, reset, timed out (URLError too)
            urllib.request.urlopen(url, timeout=30) as response,  # noqa: S310
        ):
            if response.status < 500:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer {url}")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (gunicorn's master and workers)."""
    children = []
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return process_cpu(pid) + sum(process_cpu(int(child)) for child in children)


def machine_cpu() -> float:
    """Busy CPU seconds of the whole machine so far (``/proc/stat``)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS


def database_backends_cpu(url: str) -> float:
    """CPU seconds of the PostgreSQL backends serving ``url``'s database, but this one.

    The workers keep their connections (``CONN_MAX_AGE``), so their backends
    started with the run and this is what the database spent on it.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        pids = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    return sum(process_cpu(pid) for pid in pids)


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def table(rows: list[dict[str, str]]) -> list[str]:
    lines = [
        "| request | count | errors | median ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        method = row["Type"] + " " if row["Type"] else ""
        lines.append(
            f"| {method}{name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    return lines


def write_docs(section: list[str]) -> None:
    text = DOCS.read_text()
    block = "\n".join([BEGIN, *section, END])
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Load: members and seekers at once\n\n" + block + "\n"
    DOCS.write_text(text)


def main() -> int:
    args = build_parser().parse_args()
    work = Path(tempfile.mkdtemp(prefix="selvhjelp-load-"))
    env = server_env(args, str(work / "static"))
    python = sys.executable

    log(f"database {args.database_url.rsplit('/', 1)[1]}: migrate and seed")
    ensure_database(args.database_url, fresh=args.fresh)
    run(env, python, "manage.py", "migrate", "--noinput", "-v", "0")
    if not args.skip_seed:
        run(env, python, "manage.py", "seed_demo", "--force", "-v", "0")
    data_file = work / "load.json"
    # Idempotent: on a seeded database this only writes the data file.
    run(env, python, "bench/load_seed.py", str(data_file), "--groups", str(args.groups))
    run(env, python, "manage.py", "collectstatic", "--noinput", "-v", "0")

    # The rate limits count per member for an hour: a second run within the hour
    # would find the first run's notices of absence and answer 429. The Redis
    # database is the benchmark's own (--redis-url).
    redis.Redis.from_url(args.redis_url).flushdb()
    log(f"Redis {args.redis_url.rsplit('/', 1)[1]} emptied (cache, rate-limit counters)")
    host = f"http://127.0.0.1:{args.port}"
    log(f"gunicorn, {args.workers} workers, on {host}")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "selvhjelp.wsgi",
            f"--bind=127.0.0.1:{args.port}",
            f"--workers={args.workers}",
            "--forwarded-allow-ips=127.0.0.1",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(f"{host}/")
        prefix = work / "locust"
        log(f"locust: {args.users} users, {args.duration} s")
        server_cpu0 = tree_cpu(server.pid)
        database_cpu0 = database_backends_cpu(args.database_url)
        busy0 = machine_cpu()
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        run(
            {**env, "LOAD_DATA": str(data_file)},
            str(BIN / "locust"),
            "-f",
            "bench/load.py",
            "--headless",
            "--only-summary",
            f"--users={args.users}",
            f"--spawn-rate={args.spawn_rate}",
            f"--run-time={args.duration}s",
            f"--host={host}",
            f"--csv={prefix}",
            "--exit-code-on-error=0",
        )
        wall = time.monotonic() - t0
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy1 = machine_cpu()
        # Locust has exited (and been waited for); gunicorn has not: the children's
        # rusage grew by Locust's CPU alone.
        locust_cpu = (children1.ru_utime - children0.ru_utime) + (
            children1.ru_stime - children0.ru_stime
        )
        server_cpu = tree_cpu(server.pid) - server_cpu0
        database_cpu = database_backends_cpu(args.database_url) - database_cpu0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    rows = read_stats(prefix)
    total = next(row for row in rows if row["Name"] == "Aggregated")
    requests = int(total["Request Count"])
    errors = int(total["Failure Count"])
    p95 = float(total["95%"])
    error_rate = errors / requests if requests else 1.0
    slow = [
        row["Name"]
        for row in rows
        if row["Name"] != "Aggregated"
        and float(row["95%"]) >= (TARGET_LOGIN_P95_MS if row["Name"] == LOGIN else TARGET_P95_MS)
    ]
    verdict = "met" if errors == 0 and not slow else "missed"
    summary = (
        f"{requests} requests in {args.duration} s ({requests / args.duration:.1f}/s), "
        f"{errors} errors ({error_rate:.2%}), p95 {p95:.0f} ms: target "
        f"(0 errors; p95 < {TARGET_P95_MS} ms for every kind, login POST < "
        f"{TARGET_LOGIN_P95_MS / 1000:g} s) {verdict}"
        + (f" ({', '.join(slow)} too slow)." if slow else ".")
    )
    log(summary)
    cores = os.cpu_count() or 1
    logins = sum(int(row["Request Count"]) for row in rows if row["Name"] == LOGIN)
    app_cpu = server_cpu + database_cpu
    cpu_lines = [
        f"Logins: {logins} of {requests} requests (1 in {requests / max(logins, 1):.0f}).",
        "",
        "CPU over the run (user + system seconds; `/proc`), against "
        f"{wall:.0f} s × {cores} cores = {wall * cores:.0f} core-seconds:",
        "",
        "| who | CPU s | share of the machine | ms per request |",
        "|---|---:|---:|---:|",
        *(
            f"| {who} | {cpu:.1f} | {cpu / (wall * cores):.0%} | "
            f"{cpu * 1000 / max(requests, 1):.1f} |"
            for who, cpu in (
                (f"gunicorn ({args.workers} workers)", server_cpu),
                ("PostgreSQL backends of the workers", database_cpu),
                ("Locust (load generator)", locust_cpu),
                ("whole machine (other jobs included)", (busy1 - busy0)),
            )
        ),
        "",
        f"Requests per second per core for the application (gunicorn + its PostgreSQL "
        f"backends, {app_cpu * 1000 / max(requests, 1):.1f} ms CPU per request on this mix): "
        f"**{requests / max(app_cpu, 1e-9):.0f}**; gunicorn alone: "
        f"{requests / max(server_cpu, 1e-9):.0f}.",
    ]
    lines = table(rows)
    print("\n".join(lines))
    print("\n".join(cpu_lines))
    if not args.no_docs:
        floor = (
            f", `SELVHJELP_ACCOUNT_FORM_FLOOR_MS={args.account_form_floor_ms}`"
            if args.account_form_floor_ms is not None
            else ""
        )
        write_docs(
            [
                f"Run {dt.date.today():%Y-%m-%d} on this machine ({cores} cores, shared), "
                f"`bench/load_run.py --users {args.users} --duration {args.duration}`{floor}: "
                f"gunicorn with {args.workers} sync workers, PostgreSQL, Redis, DEBUG off; "
                f"{args.groups} public groups.",
                "",
                f"**{summary}**",
                "",
                *lines,
                "",
                *cpu_lines,
            ]
        )
        log(f"written to {DOCS.relative_to(ROOT)}")
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
