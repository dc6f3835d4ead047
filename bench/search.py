#!/usr/bin/env python
"""Benchmark of the group finder on PostgreSQL: bare KNN statement, view, HTTP.

For each size it fills a dedicated database with groups clustered around
Norwegian towns, runs the same random searches through every layer (in a
random order per search) and writes the results to ``docs/benchmarks.md``:

- bare SQL: the first-page nearest-first statement the finder sends, captured
  from its own code path (``nearby_results(query)[0:20]``, or
  ``nearby_groups(query)[:20]`` and its ``sql_with_params()`` where that is the
  page), executed with psycopg (client-side binding, as Django does) together
  with the planner settings the finder sends before it in its transaction;
- planner's choice: the same statement without those settings (bitmap scans
  allowed), the finder's page before it switched them off;
- in-process: Django's test ``Client`` against ``/grupper/``, every SQL query
  timed by kind;
- HTTP: gunicorn (``bench.settings``, DEBUG off) on 127.0.0.1, one sequential
  client, timing the finder, the JSON API and a hello-world view (the floor);
- then query counts of a results page with 10 and with 1,000 hits, EXPLAIN
  ANALYZE of the slowest search, what-if timings of the fixes, and the
  first-visit transfer size (gzip -6) of the finder page with its CSS and JS.

Target: on PostgreSQL with 1M groups the finder's p95 is at most
3 x the bare statement's p95 plus the hello-world p95.

Each size measures for at most ``--budget-minutes`` (the searches are random,
so a prefix is a fair sample). Run from the repository root:

    .venv/bin/python bench/search.py                 # 100k and 1M groups
    .venv/bin/python bench/search.py --sizes 20k --searches 200 --no-docs
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import enum
import gzip
import hashlib
import http.client
import json
import math
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as pgsql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/selvhjelp_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
DEFAULT_DOCS = "docs/benchmarks.md"
DOCS_BEGIN = "<!-- bench/search.py: begin -->"
DOCS_END = "<!-- bench/search.py: end -->"
DOCS_PLACEHOLDER = "No benchmark has been run yet."
TARGET_FACTOR = 3.0
API_RATE_LIMIT = "1000000/m/ip"
TRANSFER_TARGET_BYTES = 60_000
PAGE_SIZE = 20  # groups.views.FINDER_PAGE_SIZE

# Rough population (thousands) of the bigger kommuner, by 2024 number; every
# other kommune counts as a small one. Groups and seekers follow people.
POPULATION = {
    "0301": 717, "4601": 291, "5001": 214, "1103": 149, "3201": 130, "4204": 116,
    "3301": 103, "3203": 98, "3205": 93, "3107": 85, "1108": 83, "5501": 78,
    "3907": 65, "3207": 62, "1508": 60, "3105": 59, "3905": 58, "4003": 56,
    "1804": 53, "3103": 51, "3909": 48, "3222": 47, "4203": 46, "3118": 46,
    "1149": 43, "3209": 42, "1106": 38, "4001": 37, "3411": 35, "3403": 33,
    "1506": 33, "3407": 31, "3101": 31, "3305": 31, "4627": 30, "3405": 29,
    "3303": 28, "3901": 27, "1833": 26, "5503": 25, "5035": 25, "1505": 24,
    "5006": 24, "5601": 21, "3420": 21, "1806": 21,
}  # fmt: skip
SMALL_KOMMUNE_WEIGHT = 6
# The big towns, where the services (and the groups) are, get half again.
BIG_TOWNS = {"0301", "4601", "5001", "1103", "5501", "3301", "4204"}
BIG_TOWN_FACTOR = 1.5

STATES = (  # (state, share): mostly running groups, some paused, a few not public
    ("self_run", 52), ("forming", 14), ("starting", 12), ("paused", 10),
    ("ended", 8), ("draft", 4),
)  # fmt: skip
DIGITAL_SHARE = 0.10
RADII = ((5, 1), (10, 2), (25, 4), (50, 2), (100, 1))  # km, weight: mostly 25
THEME_FILTER_SHARE = 0.20
STATUS_FILTER_SHARE = 0.15
PLACE_SEARCH_SHARE = 0.5  # typed place (GET ?q=) versus "near me" (POST lat/lon)
CONTACT_POINTS_PER_FYLKE = 5

WEEKDAY_NAMES = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag")
AREAS = ("", "", "", "Sentrum", "Nord", "Sør", "Øst", "Vest", "Sjøsiden", "Bydel Sagene",
         "Bydel Frogner", "Bakklandet", "Lademoen", "Åsane", "Fana", "Madla", "Hillevåg",
         "Lund", "Gimle", "Strømsø", "Fjell", "Tromsdalen", "Kvaløysletta")  # fmt: skip
PLACES = ("Frivilligsentralen, møterom 2", "Biblioteket, 2. etasje", "Helsehuset, rom 104",
          "Menighetssenteret", "Kulturhuset, lite møterom", "Frisklivssentralen")  # fmt: skip
DESCRIPTIONS = (
    "Vi møtes for å dele erfaringer og støtte hverandre. Alle er velkomne til å lytte først.",
    "En liten gruppe som snakker om hvordan hverdagen kan bli lettere. Taushetsplikt gjelder.",
    "Samtalegruppe i en rolig ramme, med kaffe og god tid. Ingen må si noe de ikke vil.",
    "Vi er en selvhjelpsgruppe som har møttes en stund og har plass til flere. Ta kontakt "
    "med kontaktpunktet om du lurer på noe før første møte.",
    "Gruppa er for deg som vil bli bedre kjent med egne reaksjoner og finne nye måter å "
    "håndtere dem på, sammen med andre i samme situasjon.",
    "",
)
START_TIMES = ((dt.time(10, 0), 2), (dt.time(11, 0), 1), (dt.time(12, 0), 2),
               (dt.time(17, 0), 3), (dt.time(17, 30), 3), (dt.time(18, 0), 6),
               (dt.time(18, 30), 4), (dt.time(19, 0), 5), (dt.time(19, 30), 2))  # fmt: skip
CONTACT_POINT_KINDS = ("frisklivssentral", "frivillighetssentral", "lms", "user_organisation")

GROUP_COLUMNS = (
    "slug", "name", "theme_id", "description", "contact_point_id", "format", "kommune_id",
    "area", "latitude", "longitude", "place", "meeting_url", "weekday", "start_time",
    "duration_minutes", "cadence", "language", "age_min", "age_max", "capacity",
    "open_for_new_members", "member_count", "admission", "state", "state_changed_at",
    "created_at",
)  # fmt: skip


_STARTED = time.monotonic()


def log(message: str) -> None:
    minutes, seconds = divmod(int(time.monotonic() - _STARTED), 60)
    print(f"[{minutes:3d}:{seconds:02d}] {message}", flush=True)


# --- Arguments ------------------------------------------------------------------


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    value = int(float(text) * factor)
    if value < 1_000:
        raise argparse.ArgumentTypeError("a size is at least 1000 groups")
    return value


def parse_sizes(text: str) -> list[int]:
    return sorted({parse_size(part) for part in text.split(",") if part.strip()})


def human(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=(
            "Benchmark the group finder on PostgreSQL at several table sizes: bare KNN "
            "SQL, in-process Django client, gunicorn over HTTP (finder, JSON API, "
            "hello-world floor), query counts and the first-visit transfer size."
        ),
        epilog="Run from the repository root with the project's virtual environment.",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="dedicated PostgreSQL database, created if missing and dropped at the end "
        "(its name must contain 'bench'; default: %(default)s)",
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes("100k,1M"),
        help="comma-separated numbers of groups, e.g. 100k,1M (default: 100k,1M)",
    )
    parser.add_argument(
        "--searches", type=int, default=1000, help="random searches per size (default: 1000)"
    )
    parser.add_argument(
        "--lists",
        type=int,
        default=300,
        help="lists without a place per size (the digital list, filters alone; default: 300)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=10,
        help="unmeasured searches before each size, through every layer (default: 10)",
    )
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=5.0,
        help="stop measuring a size after this many minutes, 0 for no limit (default: 5)",
    )
    parser.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help="Redis database for the shared cache, emptied at the start (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=20261123, help="random seed")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default: 2)")
    parser.add_argument(
        "--worker-class",
        default="sync",
        help="gunicorn worker class; 'sync' as in production (default: %(default)s)",
    )
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (default: a free one)")
    parser.add_argument(
        "--docs",
        default=DEFAULT_DOCS,
        help="Markdown file that gets the results section (default: %(default)s)",
    )
    parser.add_argument("--no-docs", action="store_true", help="print the results only")
    parser.add_argument("--json", metavar="PATH", help="also write the raw results as JSON")
    parser.add_argument(
        "--keep", action="store_true", help="keep the benchmark database at the end"
    )
    parser.add_argument(
        "--no-what-if",
        action="store_true",
        help="skip the what-if timings (planner's page, counts, digital partial index)",
    )
    return parser


# --- Environment ------------------------------------------------------------------


def database_name(url: str) -> str:
    return psycopg.conninfo.conninfo_to_dict(url)["dbname"]


def admin_conninfo(url: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(url)
    info["dbname"] = "postgres"
    return psycopg.conninfo.make_conninfo(**info)


def ensure_database(url: str) -> bool:
    name = database_name(url)
    with psycopg.connect(admin_conninfo(url), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))
        return True


def drop_database(url: str) -> None:
    name = database_name(url)
    with psycopg.connect(admin_conninfo(url), autocommit=True) as conn:
        conn.execute(
            pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name))
        )


def server_env(database_url: str, static_root: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        # The shared cache as in production (theme choices, digital preview and count,
        # rate-limit counters); every cache read is a round trip, as it is there.
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        BENCH_STATIC_ROOT=static_root,
        # One client sends every search from one address: keep the API's per-address
        # limit (and what checking it costs) but high enough never to answer 429.
        SELVHJELP_RATE_LIMIT_API=API_RATE_LIMIT,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *command, "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def machine_description() -> str:
    cores = os.cpu_count() or 0
    mem_gib = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                # The kernel keeps some memory for itself: round up to the installed size.
                mem_gib = math.ceil(int(line.split()[1]) / 1024 / 1024)
    return f"{cores} cores, {mem_gib} GiB RAM"


# --- Statistics -------------------------------------------------------------------


@dataclass
class Timings:
    values: list[float] = field(default_factory=list)  # seconds

    def add(self, seconds: float) -> None:
        self.values.append(seconds)

    def pct(self, p: float) -> float:
        data = sorted(self.values)
        if not data:
            return float("nan")
        if len(data) == 1:
            return data[0] * 1000
        rank = (len(data) - 1) * p / 100
        low = math.floor(rank)
        high = min(low + 1, len(data) - 1)
        return (data[low] + (data[high] - data[low]) * (rank - low)) * 1000

    def summary(self) -> dict[str, float]:
        return {
            "n": len(self.values),
            "p50": self.pct(50),
            "p95": self.pct(95),
            "p99": self.pct(99),
            "mean": statistics.fmean(self.values) * 1000 if self.values else float("nan"),
            "max": max(self.values) * 1000 if self.values else float("nan"),
        }


def listed_cap() -> int:
    """How far the finder counts a place search: the nearest 100 (before: 1,000)."""
    from groups import search as finder_search

    return int(getattr(finder_search, "NEAR_CAP", 1000))


def hits_text(value: float) -> str:
    """A hit count; the finder stops counting at its cap (the API's
    ``count_is_lower_bound`` says when there are more)."""
    return f"{value:,.0f}"


def ms(value: float) -> str:
    if value != value:  # NaN
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


# --- Reference data and generated groups --------------------------------------------


@dataclass(frozen=True)
class Town:
    kommune_id: int
    number: str
    name: str
    latitude: float
    longitude: float
    fylke_id: int
    fylke_name: str
    weight: float
    sigma_km: float


def load_towns(conn: psycopg.Connection) -> list[Town]:
    rows = conn.execute(
        "SELECT k.id, k.number, k.name, k.latitude, k.longitude, f.id, f.name "
        "FROM places_kommune k JOIN places_fylke f ON f.id = k.fylke_id "
        "WHERE k.latitude IS NOT NULL ORDER BY k.number"
    ).fetchall()
    towns = []
    for kommune_id, number, name, lat, lon, fylke_id, fylke_name in rows:
        population = POPULATION.get(number, SMALL_KOMMUNE_WEIGHT)
        weight = population * (BIG_TOWN_FACTOR if number in BIG_TOWNS else 1.0)
        sigma_km = 5.0 if population >= 100 else 3.5 if population >= 30 else 2.5
        towns.append(
            Town(kommune_id, number, name, lat, lon, fylke_id, fylke_name, weight, sigma_km)
        )
    if not towns:
        raise SystemExit("places_kommune is empty: did the migrations load the gazetteer?")
    return towns


def cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def jitter(rng: random.Random, lat: float, lon: float, sigma_km: float) -> tuple[float, float]:
    dlat = rng.gauss(0.0, sigma_km) / 111.2
    dlon = rng.gauss(0.0, sigma_km) / (111.2 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def ensure_contact_points(conn: psycopg.Connection, towns: list[Town]) -> dict[int, list[tuple]]:
    """A handful of contact points per fylke, in its biggest kommuner."""
    by_fylke: dict[int, list[Town]] = defaultdict(list)
    for town in towns:
        by_fylke[town.fylke_id].append(town)
    with conn.transaction():
        for fylke_id, fylke_towns in sorted(by_fylke.items()):
            biggest = sorted(fylke_towns, key=lambda t: (-t.weight, t.number))
            for n, town in enumerate(biggest[:CONTACT_POINTS_PER_FYLKE]):
                kind = CONTACT_POINT_KINDS[n % len(CONTACT_POINT_KINDS)]
                conn.execute(
                    "INSERT INTO organisations_contactpoint (slug, name, kind, kommune_id, "
                    "public_email, public_phone, website, opening_hours, is_active) "
                    "VALUES (%s, %s, %s, %s, %s, %s, '', '', true) ON CONFLICT (slug) DO NOTHING",
                    [
                        f"bench-{fylke_id}-{n}",
                        f"{kind.replace('_', ' ').capitalize()} {town.name}",
                        kind,
                        town.kommune_id,
                        f"post{fylke_id}{n}@kontakt.example",
                        f"+47 9{fylke_id:02d}{n:02d} 000",
                    ],
                )
    rows = conn.execute(
        "SELECT cp.id, cp.kommune_id, k.fylke_id FROM organisations_contactpoint cp "
        "JOIN places_kommune k ON k.id = cp.kommune_id WHERE cp.slug LIKE 'bench-%%'"
    ).fetchall()
    points: dict[int, list[tuple]] = defaultdict(list)
    for cp_id, kommune_id, fylke_id in rows:
        points[fylke_id].append((cp_id, kommune_id))
    return points


def generate_groups(
    start: int,
    stop: int,
    seed: int,
    towns: list[Town],
    contact_points: dict[int, list[tuple]],
    themes: list[tuple[int, str]],
) -> Iterator[tuple]:
    """Rows ``start`` to ``stop`` (their slugs are ``bench-<n>``), deterministic per range."""
    rng = random.Random(f"{seed}:{start}:{stop}")
    town_cum = cumulative([t.weight for t in towns])
    theme_ids = [theme_id for theme_id, _slug in themes]
    theme_cum = cumulative(
        [4 if slug in {"angst", "depresjon", "sorg", "blandet"} else 1 for _id, slug in themes]
    )
    state_names = [s for s, _w in STATES]
    state_cum = cumulative([w for _s, w in STATES])
    start_times = [t for t, _w in START_TIMES]
    start_cum = cumulative([w for _t, w in START_TIMES])
    weekday_cum = cumulative([18, 22, 22, 20, 8, 4, 6])
    all_points = [cp for cps in contact_points.values() for cp in cps]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    three_years = 3 * 365 * 86_400
    chunk = 10_000
    for chunk_start in range(start, stop, chunk):
        n = min(chunk, stop - chunk_start)
        chosen_towns = rng.choices(towns, cum_weights=town_cum, k=n)
        chosen_themes = rng.choices(theme_ids, cum_weights=theme_cum, k=n)
        chosen_states = rng.choices(state_names, cum_weights=state_cum, k=n)
        chosen_starts = rng.choices(start_times, cum_weights=start_cum, k=n)
        chosen_days = rng.choices(range(7), cum_weights=weekday_cum, k=n)
        for i in range(n):
            number = chunk_start + i
            town = chosen_towns[i]
            state = chosen_states[i]
            weekday = chosen_days[i]
            digital = rng.random() < DIGITAL_SHARE
            capacity = rng.choice((6, 8, 8, 8, 10, 10, 12))
            if state == "forming":
                members, open_ = rng.randint(0, capacity // 2), True
            elif state == "starting":
                members, open_ = rng.randint(capacity // 2, capacity), rng.random() < 0.7
            else:
                full = rng.random() < 0.25
                members = capacity if full else rng.randint(2, capacity)
                open_ = rng.random() < (0.3 if state == "self_run" else 0.2)
            age_min = rng.choice((18, 18, 18, 18, 18, 18, 18, 25, 30, 50))
            age_max = None if rng.random() < 0.85 else min(120, age_min + rng.randint(10, 40))
            created = now - dt.timedelta(seconds=rng.randrange(three_years))
            changed = created + dt.timedelta(
                seconds=rng.randrange(max(1, int((now - created).total_seconds())))
            )
            area = rng.choice(AREAS)
            name = f"{WEEKDAY_NAMES[weekday]}sgruppa" + (f" {area}" if area else "")
            if digital:
                cp_id = rng.choice(all_points)[0]
                kommune_id, lat, lon, place = None, None, None, ""
                meeting_url = f"https://meet.example.org/bench-{number}"
                area = ""
            else:
                local = contact_points.get(town.fylke_id) or all_points
                same = [cp for cp in local if cp[1] == town.kommune_id]
                cp_id = (same[0] if same and rng.random() < 0.7 else rng.choice(local))[0]
                kommune_id = town.kommune_id
                lat, lon = jitter(rng, town.latitude, town.longitude, town.sigma_km)
                place, meeting_url = rng.choice(PLACES), ""
            yield (
                f"bench-{number}",
                name,
                chosen_themes[i],
                rng.choice(DESCRIPTIONS),
                cp_id,
                "digital" if digital else "in_person",
                kommune_id,
                area,
                lat,
                lon,
                place,
                meeting_url,
                weekday,
                chosen_starts[i],
                rng.choice((90, 120, 120, 150)),
                "weekly" if rng.random() < 0.75 else "fortnightly",
                "en" if rng.random() < 0.07 else "nb",
                age_min,
                age_max,
                capacity,
                open_,
                members,
                rng.choice(("open", "closed")),
                state,
                changed,
                created,
            )


def secondary_indexes(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Indexes of groups_group that no constraint owns: dropped during a bulk load."""
    return conn.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = 'groups_group'::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
        "ORDER BY c.relname"
    ).fetchall()


def extra_columns(conn: psycopg.Connection) -> list[tuple[str, Any]]:
    """Required columns the generator does not know (added since): the value a new model
    instance gets (its default, or "" for a text field that may be blank). A unique
    column gets its default's callable, called for every row."""
    from django.db import connection

    from groups.models import Group

    fields = {f.column: f for f in Group._meta.concrete_fields}
    extras = []
    for (column,) in conn.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'groups_group' AND is_nullable = 'NO' AND is_identity = 'NO' "
        "AND column_default IS NULL ORDER BY ordinal_position"
    ):
        if column in GROUP_COLUMNS:
            continue
        field = fields.get(column)
        value = None if field is None else field.get_default()
        if field is None or value is None:
            raise SystemExit(f"groups_group.{column} is required and has no default to fill in")
        if field.unique and callable(field.default):
            extras.append((column, field.default))
        else:
            extras.append((column, field.get_db_prep_save(value, connection)))
    return extras


def load_groups(conn: psycopg.Connection, target: int, make_rows: Callable) -> dict[str, Any]:
    """Bring groups_group to ``target`` rows: add the difference, or start over."""
    t0 = time.perf_counter()
    current = conn.execute("SELECT count(*) FROM groups_group").fetchone()[0]
    ours = conn.execute("SELECT count(*) FROM groups_group WHERE slug LIKE 'bench-%%'").fetchone()[
        0
    ]
    if current != ours or current > target:
        conn.execute("TRUNCATE groups_group CASCADE")  # a dedicated database
        current = 0
    if current == target:
        log(f"groups_group already holds {human(target)} generated groups")
        return {"rows_added": 0, "seconds": 0.0}
    indexes = secondary_indexes(conn)
    log(f"loading groups {current:,}..{target:,} with COPY (indexes dropped: {len(indexes)})")
    with conn.transaction():
        conn.execute("SET LOCAL maintenance_work_mem = '512MB'")
        # The rows are valid by construction; skip the per-row deferred FK triggers.
        conn.execute("SET LOCAL session_replication_role = replica")
        for name, _definition in indexes:
            conn.execute(pgsql.SQL("DROP INDEX {}").format(pgsql.Identifier(name)))
        extras = extra_columns(conn)
        names = [*GROUP_COLUMNS, *(name for name, _value in extras)]
        fixed = tuple(value for _name, value in extras)
        fresh = [i for i, value in enumerate(fixed) if callable(value)]
        columns = pgsql.SQL(", ").join(pgsql.Identifier(c) for c in names)
        with conn.cursor().copy(
            pgsql.SQL("COPY groups_group ({}) FROM STDIN").format(columns)
        ) as copy:
            for row in make_rows(current, target):
                tail = list(fixed)
                for i in fresh:
                    tail[i] = fixed[i]()
                copy.write_row(row + tuple(tail))
        t_copy = time.perf_counter()
        log(f"  copied in {t_copy - t0:.1f} s, rebuilding {len(indexes)} indexes")
        for _name, definition in indexes:
            conn.execute(definition)
    orphans = conn.execute(
        "SELECT count(*) FROM groups_group g "
        "LEFT JOIN organisations_contactpoint c ON c.id = g.contact_point_id "
        "LEFT JOIN groups_theme t ON t.id = g.theme_id "
        "LEFT JOIN places_kommune k ON k.id = g.kommune_id "
        "WHERE c.id IS NULL OR t.id IS NULL OR (g.kommune_id IS NOT NULL AND k.id IS NULL)"
    ).fetchone()[0]
    if orphans:
        raise SystemExit(f"{orphans} generated groups point to missing rows")
    conn.execute("VACUUM (ANALYZE) groups_group")
    seconds = time.perf_counter() - t0
    log(f"  {target:,} groups ready in {seconds:.1f} s (copy, indexes, vacuum analyze)")
    return {"rows_added": target - current, "seconds": seconds}


def table_facts(conn: psycopg.Connection) -> dict[str, Any]:
    row = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE format = 'digital'), "
        "count(*) FILTER (WHERE state NOT IN ('draft', 'ended')), "
        "pg_size_pretty(pg_table_size('groups_group')), "
        "pg_size_pretty(pg_indexes_size('groups_group')), "
        "pg_size_pretty(pg_relation_size('groups_group_earth_gist')) FROM groups_group"
    ).fetchone()
    return dict(
        zip(
            ("groups", "digital", "public", "table_size", "indexes_size", "gist_size"),
            row,
            strict=True,
        )
    )


# --- Searches -----------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    q: str  # typed place, or "" for a position
    latitude: float
    longitude: float
    radius: int
    theme_slug: str | None
    theme_id: int | None
    status: str | None

    @property
    def by_place(self) -> bool:
        return bool(self.q)

    def params(self) -> list[tuple[str, str]]:
        out = (
            [("q", self.q)]
            if self.q
            else [("lat", f"{self.latitude}"), ("lon", f"{self.longitude}")]
        )
        out.append(("radius", str(self.radius)))
        if self.theme_slug:
            out.append(("theme", self.theme_slug))
        if self.status:
            out.append(("status", self.status))
        return out

    def query(self) -> Any:
        from groups.search import SearchQuery

        return SearchQuery(
            latitude=self.latitude,
            longitude=self.longitude,
            radius_km=self.radius,
            themes=frozenset([self.theme_id]) if self.theme_id else frozenset(),
            statuses=frozenset([self.status]) if self.status else frozenset(),
        )


def make_searches(
    n: int, seed: int, towns: list[Town], themes: list[tuple[int, str]]
) -> list[Search]:
    from places.selectors import resolve_place

    rng = random.Random(f"{seed}:searches")
    town_cum = cumulative([t.weight for t in towns])
    duplicate_names = {t.name for t in towns if sum(1 for o in towns if o.name == t.name) > 1}
    radii = [r for r, _w in RADII]
    radius_cum = cumulative([w for _r, w in RADII])
    searches = []
    for _ in range(n):
        town = rng.choices(towns, cum_weights=town_cum)[0]
        radius = rng.choices(radii, cum_weights=radius_cum)[0]
        theme_id = theme_slug = status = None
        if rng.random() < THEME_FILTER_SHARE:
            theme_id, theme_slug = rng.choice(themes)
        if rng.random() < STATUS_FILTER_SHARE:
            status = rng.choices(("open", "starting_soon", "waiting_list"), (6, 3, 1))[0]
        if rng.random() < PLACE_SEARCH_SHARE:
            q = f"{town.name} ({town.fylke_name})" if town.name in duplicate_names else town.name
            place = resolve_place(q)
            if place is None or place.kommune_number != town.number:
                raise SystemExit(f"the finder resolves {q!r} to another place")
            lat, lon = place.latitude, place.longitude
        else:
            q = ""
            lat, lon = jitter(rng, town.latitude, town.longitude, 2.0)
            lat = min(max(lat, 57.0), 72.0)
            lon = min(max(lon, 3.0), 33.0)
        searches.append(Search(q, lat, lon, radius, theme_slug, theme_id, status))
    return searches


# --- SQL capture ---------------------------------------------------------------------


class _Captured(Exception):
    pass


# Statements that set up a query rather than read data: planner settings and the
# savepoints of a transaction inside another one.
SET_UP = ("SET ", "SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")


def capture_statement(run: Callable[[], Any]) -> tuple[str, list[Any], list[str]]:
    """The first query ``run`` would send that reads data, without sending it, and the
    ``SET`` statements sent before it (those are sent, inside ``run``'s transaction)."""
    from django.db import connection

    captured: dict[str, Any] = {}
    settings: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith("SET ") and "; " in sql:
            # A setting sent in one message with its statement (in autocommit).
            setting, sql = sql.split("; ", 1)
            settings.append(setting)
        elif sql.startswith(SET_UP):
            if sql.startswith("SET "):
                settings.append(sql)
            return execute(sql, params, many, context)
        captured["sql"], captured["params"] = sql, list(params or [])
        raise _Captured

    with connection.execute_wrapper(wrapper), contextlib.suppress(_Captured):
        run()
    return captured["sql"], plain_params(captured["params"]), settings


def capture_sql(run: Callable[[], Any]) -> tuple[str, list[Any]]:
    """The (SQL, params) of the first data query ``run`` would send, without sending it."""
    sql, params, _settings = capture_statement(run)
    return sql, params


def plain_params(params: Any) -> list[Any]:
    return [p.value if isinstance(p, enum.Enum) else p for p in params]


def orm_page_sql(search: Search) -> tuple[str, list[Any]]:
    """``nearby_groups(query)[:20]`` from the ORM's own compiler (``sql_with_params()``)."""
    from groups.search import nearby_groups

    qs = nearby_groups(search.query())[:PAGE_SIZE]
    sql, params = qs.query.sql_with_params()
    return sql, plain_params(params)


def finder_page(search: Search) -> tuple[str, list[Any], list[str]]:
    """The nearest-first statement the finder sends for the first page, and the planner
    settings it sends before it in the same transaction.

    Captured from the finder's own code path: ``nearby_results(query)[0:20]`` where that
    exists (index-ordered pages), else the ORM query ``nearby_groups(query)[:20]``.
    """
    from groups import search as finder_search

    if hasattr(finder_search, "NEAR_CAP"):
        # The finder reads the nearest NEAR_CAP + 1 ids in one statement (its count and
        # its pages); the baseline stays the statement of one page of 20, as before.
        pages = finder_search.nearby_results(search.query())
        return capture_statement(
            lambda: finder_search.read_in_index_order(*pages.page_sql(0, PAGE_SIZE))
        )
    if hasattr(finder_search, "nearby_results"):
        pages = finder_search.nearby_results(search.query())
        return capture_statement(lambda: list(pages[0:PAGE_SIZE]))
    return (*orm_page_sql(search), [])


def page_statement(search: Search) -> tuple[str, list[Any]]:
    """The finder's first-page statement alone (without its planner settings)."""
    sql, params, _settings = finder_page(search)
    return sql, params


def run_page(
    cursor: psycopg.Cursor, sql: str, params: list[Any], settings: list[str]
) -> list[tuple]:
    """The page as the finder reads it: in autocommit with client-side binding, its
    settings and the statement in one message (one implicit transaction, one round
    trip); otherwise in a transaction of its own."""
    if not settings:
        cursor.execute(sql, params)
        return cursor.fetchall()
    if isinstance(cursor, psycopg.ClientCursor) and cursor.connection.autocommit:
        cursor.execute("; ".join([*settings, sql]), params)
        for _setting in settings:
            cursor.nextset()
        return cursor.fetchall()
    with cursor.connection.transaction():
        for setting in settings:
            cursor.execute(setting)
        cursor.execute(sql, params)
        return cursor.fetchall()


def classify(sql: str, params: Any = ()) -> str:
    if sql.startswith("SET LOCAL enable_bitmapscan") and "; " in sql:
        # The setting and the statement in one message (in autocommit).
        return "knn ids (page and one more)"
    if sql.startswith("SET LOCAL enable_bitmapscan"):
        return "knn page: SET LOCAL"
    if sql.startswith(SET_UP):
        return "savepoint"
    if "groups_group" in sql:
        counting = "COUNT(*)" in sql
        if "earth_box" in sql:
            if counting:
                return "radius count"
            return "knn ids (page and one more)" if "FETCH FIRST" in sql else "knn page"
        if "'digital'" in sql or "digital" in [str(p) for p in params or ()]:
            return "digital count" if counting else "digital preview"
        if '"groups_group"."id" IN' in sql:
            return "page rows by id"
        return "other groups query"
    if "organisations_contactpoint" in sql:
        if re.search(r'WHERE \(?"organisations_contactpoint"\."is_active"', sql):
            return "nearest contact point"
        return "contact point of one group (N+1)"
    if "places_fylke" in sql and "places_kommune" not in sql:
        return "fylke of one group (N+1)"
    if "places_" in sql:
        return "place lookup"
    if "groups_theme" in sql or sql.startswith(("FETCH", "CLOSE")) or "_django_curs_" in sql:
        return "theme choices"
    return "other"


# --- Measurements ----------------------------------------------------------------------


class QueryTimer:
    """Times every query Django sends (an execute wrapper; microsecond resolution)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, Any, float]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, time.perf_counter() - t0))


def finder_request(client: Any, search: Search) -> Any:
    if search.by_place:
        return client.get("/grupper/", search.params())
    data: dict[str, list[str]] = defaultdict(list)
    for key, value in search.params():
        data[key].append(value)
    return client.post("/grupper/", data)


PYTHON_TARGET_MS = 8.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class Server:
    """gunicorn with bench.settings on 127.0.0.1 (the process is ours to stop)."""

    def __init__(self, env: dict[str, str], workers: int, worker_class: str, port: int) -> None:
        self.port = port or free_port()
        self.cpu_used = 0.0
        self.log_path = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "selvhjelp.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(workers), "--worker-class", worker_class]
        command += ["--log-level", "warning", "--timeout", "120"]
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.request("GET", "/bench/hello/")[0] == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log_tail()
                self.stop()
                raise SystemExit("gunicorn did not start:\n" + tail)
            time.sleep(0.2)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def workers_cpu(self) -> float:
        """User + system CPU seconds of gunicorn's worker processes so far (``/proc``).

        Read before and after each timed request: the difference is what the
        request cost the workers, whichever of them answered it. Clock ticks
        are 10 ms, so one request reads 0 or 10 ms; the mean over hundreds is
        what the report shows.
        """
        master = self.process.pid
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except OSError:
            return 0.0
        ticks = 0
        for pid in children:
            with contextlib.suppress(OSError, IndexError, ValueError):
                # Fields after the command name (which may hold spaces): utime is the
                # 14th field of the line, stime the 15th.
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        return ticks / CLOCK_TICKS

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        """One request on its own connection (set-up and checks, not timed)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            conn.close()

    def timed(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[float, int, bytes, str]:
        """One request on the sequential client (http.client reconnects when told to close).

        The workers' CPU for it is added to ``self.cpu_used`` (see ``workers_cpu``).
        """
        cpu0 = self.workers_cpu()
        t0 = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - t0
        self.cpu_used = self.workers_cpu() - cpu0
        return elapsed, response.status, data, response.getheader("Connection", "keep-alive")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_path.unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Sample:
    search: int
    bare: float = 0.0
    bare_rows: int = 0
    bare_ids: list[int] = field(default_factory=list)
    planner: float = 0.0
    planner_ids: list[int] = field(default_factory=list)
    in_process: float = 0.0
    kinds: dict[str, float] = field(default_factory=dict)
    finder: float = 0.0
    api: float = 0.0
    hello: float = 0.0
    # CPU seconds (user + system): gunicorn's workers for the HTTP layers, this
    # process for the in-process one.
    in_process_cpu: float = 0.0
    finder_cpu: float = 0.0
    api_cpu: float = 0.0
    hello_cpu: float = 0.0
    hits: int = 0
    many: bool = False


class Layers:
    """The ways one search is timed: five layers plus the page with the planner's choice."""

    def __init__(self, pg: psycopg.Connection, server: Server) -> None:
        from django.test import Client

        self.cursor = pg.cursor()
        self.server = server
        self.client = Client(HTTP_HOST="127.0.0.1")
        self.connection_headers: set[str] = set()
        self.load: list[float] = []  # 1-minute load average after each search

    def bare(self, search: Search, sample: Sample) -> None:
        """The page statement as the finder sends it (its settings in the same message)."""
        sql, params, settings = finder_page(search)
        t0 = time.perf_counter()
        rows = run_page(self.cursor, sql, params, settings)
        sample.bare = time.perf_counter() - t0
        sample.bare_rows = len(rows)
        sample.bare_ids = [row[0] for row in rows]

    def planner(self, search: Search, sample: Sample) -> None:
        """The same statement without the finder's settings: the planner's own choice."""
        sql, params = page_statement(search)
        t0 = time.perf_counter()
        rows = run_page(self.cursor, sql, params, [])
        sample.planner = time.perf_counter() - t0
        sample.planner_ids = [row[0] for row in rows]

    def in_process(self, search: Search, sample: Sample) -> None:
        from django.db import connection

        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            cpu0 = time.process_time()
            t0 = time.perf_counter()
            response = finder_request(self.client, search)
            sample.in_process = time.perf_counter() - t0
            sample.in_process_cpu = time.process_time() - cpu0
        if response.status_code != 200:
            raise SystemExit(f"/grupper/ answered {response.status_code} for {search}")
        kinds: dict[str, float] = defaultdict(float)
        for sql, params, seconds in timer.queries:
            kinds[classify(sql, params)] += seconds
        sample.kinds = dict(kinds)

    def finder(self, search: Search, sample: Sample) -> None:
        query = urllib.parse.urlencode(search.params())
        if search.by_place:
            elapsed, status, _body, header = self.server.timed("GET", f"/grupper/?{query}")
        else:
            form = {"Content-Type": "application/x-www-form-urlencoded"}
            elapsed, status, _body, header = self.server.timed("POST", "/grupper/", query, form)
        if status != 200:
            raise SystemExit(f"/grupper/ answered {status} for {search}\n{self.server.log_tail()}")
        self.connection_headers.add(header.lower())
        sample.finder = elapsed
        sample.finder_cpu = self.server.cpu_used

    def api(self, search: Search, sample: Sample) -> None:
        query = urllib.parse.urlencode(search.params())
        elapsed, status, body, _header = self.server.timed("GET", f"/api/v1/groups?{query}")
        if status != 200:
            raise SystemExit(f"/api/v1/groups answered {status} for {search}: {body[:300]!r}")
        sample.api = elapsed
        sample.api_cpu = self.server.cpu_used
        data = json.loads(body)
        sample.hits = int(data["count"])
        sample.many = bool(data.get("count_is_lower_bound", False))

    def hello(self, search: Search, sample: Sample) -> None:
        elapsed, status, _body, _header = self.server.timed("GET", "/bench/hello/")
        if status != 200:
            raise SystemExit(f"/bench/hello/ answered {status}")
        sample.hello = elapsed
        sample.hello_cpu = self.server.cpu_used

    def run(self, index: int, search: Search, rng: random.Random) -> Sample:
        """All layers for one search, in a random order (no layer always gets a warm cache)."""
        sample = Sample(index)
        steps = [self.bare, self.planner, self.in_process, self.finder, self.api, self.hello]
        rng.shuffle(steps)
        for step in steps:
            step(search, sample)
        return sample


def measure(
    layers: Layers, searches: list[Search], warmup: list[Search], budget_s: float, seed: int
) -> tuple[list[Sample], bool]:
    rng = random.Random(f"{seed}:order")
    for i, search in enumerate(warmup):
        layers.run(-1 - i, search, rng)
    samples: list[Sample] = []
    layers.load.clear()
    t0 = time.monotonic()
    report_at = t0 + 60
    for i, search in enumerate(searches):
        if budget_s and time.monotonic() - t0 > budget_s:
            return samples, True
        samples.append(layers.run(i, search, rng))
        layers.load.append(os.getloadavg()[0])
        if time.monotonic() > report_at:
            report_at += 60
            log(f"  {len(samples)} searches measured")
    return samples, False


def summarize(samples: list[Sample]) -> dict[str, Any]:
    def timings(name: str) -> dict[str, float]:
        return Timings([getattr(s, name) for s in samples]).summary()

    kinds: dict[str, Timings] = defaultdict(Timings)
    for s in samples:
        for kind, seconds in s.kinds.items():
            kinds[kind].add(seconds)
    sql_total = Timings([sum(s.kinds.values()) for s in samples])
    python = Timings([s.in_process - sum(s.kinds.values()) for s in samples])
    return {
        "n": len(samples),
        "bare": timings("bare"),
        "planner": timings("planner"),
        "planner_differ": sum(1 for s in samples if s.planner_ids != s.bare_ids),
        "in_process": timings("in_process"),
        "finder": timings("finder"),
        "api": timings("api"),
        "hello": timings("hello"),
        "kinds": {k: v.summary() for k, v in sorted(kinds.items())},
        "sql_per_request": sql_total.summary(),
        "python_per_request": python.summary(),
        "cpu": {
            layer: {
                "mean": 1000 * statistics.fmean(getattr(s, f"{layer}_cpu") for s in samples)
                if samples
                else 0.0,
                "total": sum(getattr(s, f"{layer}_cpu") for s in samples),
            }
            for layer in ("in_process", "finder", "api", "hello")
        },
        "hits": [s.hits for s in samples],
        "full_pages": sum(1 for s in samples if s.bare_rows == PAGE_SIZE),
        "many": sum(1 for s in samples if s.many),
    }


def by_radius(samples: list[Sample], searches: list[Search]) -> dict[int, dict[str, Any]]:
    out = {}
    for radius, _weight in RADII:
        picked = [s for s in samples if searches[s.search].radius == radius]
        if not picked:
            continue
        hits = Timings([s.hits / 1000 for s in picked])
        out[radius] = {
            "n": len(picked),
            "hits_p50": hits.pct(50),
            "bare": Timings([s.bare for s in picked]).summary(),
            # The radius count, or since the finder reads the ids of its page and one
            # more as its count, that statement.
            "count": Timings(
                [
                    s.kinds.get("radius count", 0.0)
                    + s.kinds.get("knn ids (page and one more)", 0.0)
                    for s in picked
                ]
            ).summary(),
            "finder": Timings([s.finder for s in picked]).summary(),
        }
    return out


def target_check(
    result: dict[str, Any], endpoint: str = "finder", baseline: str = "bare"
) -> dict[str, Any]:
    bare = result[baseline]["p95"]
    hello = result["hello"]["p95"]
    observed = result[endpoint]["p95"]
    allowed = TARGET_FACTOR * bare + hello
    return {
        "observed": observed,
        "allowed": allowed,
        "ratio": observed / allowed,
        "multiple_of_bare": (observed - hello) / bare,
        "pass": observed <= allowed,
    }


def measure_query_counts() -> dict[str, Any]:
    """Queries of a results page with 10 and with 1,000 hits (in a rolled-back transaction)."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from groups import search as finder_search
    from groups.models import Group, Theme
    from organisations.models import ContactPoint
    from places.models import Kommune

    # Open sea west of Sogn, inside the finder's bounds: no generated group within 50 km.
    lat, lon, radius = 60.5, 3.2, 5
    client = Client(HTTP_HOST="127.0.0.1")
    kommune = Kommune.objects.get(number="4636")  # Solund, the nearest kommune
    contact_points = list(ContactPoint.objects.filter(slug__startswith="bench-")[:5])
    themes = list(Theme.objects.all())
    rng = random.Random(7)
    form = {"lat": str(lat), "lon": str(lon), "radius": str(radius)}

    def add(n: int, offset: int) -> None:
        groups = []
        for i in range(offset, offset + n):
            glat, glon = jitter(rng, lat, lon, 1.0)
            groups.append(
                Group(
                    slug=f"bench-count-{i}",
                    name="Tirsdagsgruppa",
                    theme=themes[i % len(themes)],
                    contact_point=contact_points[i % len(contact_points)],
                    kommune=kommune,
                    latitude=glat,
                    longitude=glon,
                    state=Group.State.SELF_RUN,
                    capacity=8,
                    member_count=3,
                )
            )
        Group.objects.bulk_create(groups)

    def count_queries(expected: int) -> dict[str, Any]:
        out = {}
        for name, call in (
            ("finder", lambda: client.post("/grupper/", form)),
            ("api", lambda: client.get("/api/v1/groups", form)),
        ):
            with CaptureQueriesContext(connection) as ctx:
                response = call()
            if response.status_code != 200:
                raise SystemExit(f"query-count page answered {response.status_code}")
            kinds: dict[str, int] = defaultdict(int)
            for query in ctx.captured_queries:
                kinds[classify(query["sql"])] += 1
            # Savepoints only exist because this measurement runs in a transaction.
            kinds.pop("savepoint", None)
            out[name] = {"queries": sum(kinds.values()), "kinds": dict(kinds)}
            listed = min(expected, getattr(finder_search, "NEAR_CAP", expected))
            if name == "api":
                body = json.loads(response.content)
                # Exact, or a lower bound past the page read (the finder reads as far as
                # the page asked for and one more).
                found = body["count"] == listed or (
                    body.get("count_is_lower_bound") and body["count"] < listed
                )
                if not found:
                    raise SystemExit("the query-count page did not find the groups it added")
        return out

    with transaction.atomic():
        client.get("/grupper/", {"q": "Oslo"})  # per-process caches (place index) warm
        add(10, 0)
        result = {"10": count_queries(10)}
        add(990, 10)
        result["1000"] = count_queries(1000)
        transaction.set_rollback(True)
    return result


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("href"):
            kind = "css" if "stylesheet" in (a.get("rel") or "").lower() else "other"
            self.found.append((kind, a["href"] or ""))
        elif tag == "script" and a.get("src"):
            self.found.append(("js", a["src"] or ""))


def gzip6(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def measure_transfer(server: Server, path: str) -> dict[str, Any]:
    """A first visit: the HTML and every file it links, gzip -6 of each response body."""
    status, html, headers = server.request("GET", path, headers={"Accept-Encoding": "gzip"})
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    served_html = len(html)
    html_gzipped = headers.get("Content-Encoding") == "gzip"
    if html_gzipped:
        html = gzip.decompress(html)
    parser = _Assets()
    parser.feed(html.decode())
    items = [
        {
            "kind": "html",
            "path": path,
            "raw": len(html),
            "gzip6": gzip6(html),
            "served_gzip": html_gzipped,
            "served_bytes": served_html,
        }
    ]
    for kind, url in parser.found:
        status, body, _headers = server.request("GET", url)
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
        _status, gz_body, gz_headers = server.request(
            "GET", url, headers={"Accept-Encoding": "gzip"}
        )
        items.append(
            {
                "kind": kind,
                "path": url,
                "raw": len(body),
                "gzip6": gzip6(body),
                "served_gzip": gz_headers.get("Content-Encoding") == "gzip",
                "served_bytes": len(gz_body),
            }
        )
    counted = [item for item in items if item["kind"] in ("html", "css", "js")]
    return {
        "path": path,
        "items": items,
        "total_raw": sum(item["raw"] for item in counted),
        "total_gzip6": sum(item["gzip6"] for item in counted),
        "total_served": sum(item["served_bytes"] for item in counted),
    }


Statement = tuple[str, list[Any], list[str]]  # SQL, params, SET LOCALs sent before it


def explain(pg: psycopg.Connection, statements: dict[str, Statement]) -> dict[str, str]:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement, under its settings (rolled back)."""
    plans = {}
    with pg.cursor() as cur:
        for name, (sql, params, settings) in statements.items():
            with pg.transaction(force_rollback=True):
                for setting in settings:
                    cur.execute(setting)
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plans[name] = "\n".join(row[0] for row in cur.fetchall())
    return plans


def time_sql(
    pg: psycopg.Connection,
    sql: str,
    params: list[Any],
    repeat: int = 3,
    settings: tuple[str, ...] | list[str] = (),
) -> float:
    """Median milliseconds of ``repeat`` runs after one unmeasured run, each in its own
    transaction with ``settings`` (SET LOCAL) first, timed with BEGIN, SET and COMMIT."""
    samples = []
    with pg.cursor() as cur:
        for i in range(repeat + 1):
            t0 = time.perf_counter()
            with pg.transaction():
                for setting in settings:
                    cur.execute(setting)
                cur.execute(sql, params)
                cur.fetchall()
            if i:
                samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


# What the finder sends before its page statement (``groups.search.BITMAP_SCANS_OFF``);
# here also tried on the radius count.
NO_BITMAP = "SET LOCAL enable_bitmapscan = off"


def count_statement(search: Search) -> tuple[str, list[Any]]:
    """The radius count capped at 1,000 (a ``LIMIT 1001`` subquery), as the finder sent it
    before it read its count and pages as one list of the nearest 101 ids."""
    from groups.search import nearby_groups

    capped = nearby_groups(search.query()).order_by().values("pk")[:1001]
    return capture_sql(capped.count)


def ids_statement(search: Search) -> tuple[str, list[Any], list[str]] | None:
    """The nearest ``NEAR_CAP + 1`` ids in one statement: the finder's count and pages
    before it read only as far as the page asked for (page 5 still reads this)."""
    from groups import search as finder_search

    if not hasattr(finder_search, "NEAR_CAP"):
        return None
    pages = finder_search.nearby_results(search.query())
    return capture_statement(
        lambda: finder_search.read_in_index_order(*pages.page_sql(0, finder_search.NEAR_CAP + 1))
    )


def exact_count_statement(search: Search) -> tuple[str, list[Any]]:
    from groups.search import nearby_groups

    return capture_sql(nearby_groups(search.query()).count)


DIGITAL_INDEX = "groups_group_digital_name"


def what_if(pg: psycopg.Connection, picked: list[tuple[str, Search]]) -> dict[str, Any]:
    """Evidence for the fixes on the benchmark database only: each search's page as the
    finder reads it and as the planner would choose, and the digital list with and without
    its partial index (dropped inside a transaction that is rolled back)."""
    from groups import search as finder_search

    out: dict[str, Any] = {"searches": []}
    for label, search in picked:
        page_sql, page_params, settings = finder_page(search)
        with pg.cursor() as cur:
            finder_ids = [r[0] for r in run_page(cur, page_sql, page_params, settings)]
            planner_ids = [r[0] for r in run_page(cur, page_sql, page_params, [])]
        orm_sql, orm_params = orm_page_sql(search)
        count_sql, count_params = count_statement(search)
        exact_sql, exact_params = exact_count_statement(search)
        ids = ids_statement(search)
        out["searches"].append(
            {
                "label": label,
                "search": search_label(search),
                "hits": pg.execute(exact_sql, exact_params).fetchone()[0],
                "page_ms": time_sql(pg, page_sql, page_params, settings=settings),
                "planner_ms": time_sql(pg, page_sql, page_params),
                "same_rows": finder_ids == planner_ids,
                "orm_ms": time_sql(pg, orm_sql, orm_params),
                "count_ms": time_sql(pg, count_sql, count_params),
                "count_no_bitmap_ms": time_sql(pg, count_sql, count_params, settings=[NO_BITMAP]),
                "exact_count_ms": time_sql(pg, exact_sql, exact_params),
                "ids_ms": time_sql(pg, ids[0], ids[1], settings=ids[2]) if ids else None,
            }
        )
    # The digital list ignores the place: measure it without filters, as most searches are.
    first = picked[0][1]
    digital = finder_search.digital_groups(
        finder_search.SearchQuery(latitude=first.latitude, longitude=first.longitude)
    )
    preview = capture_sql(lambda: list(digital[:7]))
    count = capture_sql(digital.count)
    indexed = {"preview_ms": time_sql(pg, *preview), "count_ms": time_sql(pg, *count)}
    with pg.transaction(force_rollback=True):
        pg.execute(f"DROP INDEX {DIGITAL_INDEX}")
        without = {"preview_ms": time_sql(pg, *preview), "count_ms": time_sql(pg, *count)}
    out["digital"] = {"with_index": indexed, "without_index": without}
    return out


def finder_statements(search: Search) -> dict[str, Statement]:
    """The first statement of each kind the finder view sends for ``search``, with the
    SET LOCALs sent before it in the same transaction."""
    from django.db import connection
    from django.test import Client

    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        finder_request(Client(HTTP_HOST="127.0.0.1"), search)
    statements: dict[str, Statement] = {}
    settings: list[str] = []
    for sql, params, _seconds in timer.queries:
        if sql.startswith("SET LOCAL "):
            settings.append(sql)
            continue
        kind = classify(sql, params)
        if kind in EXPLAINED and kind not in statements:
            statements[kind] = (sql, plain_params(params or []), settings)
        settings = []
    return {kind: statements[kind] for kind in EXPLAINED if kind in statements}


EXPLAINED = (
    "knn ids (page and one more)",
    "knn page",
    "radius count",
    "page rows by id",
    "digital preview",
    "digital count",
)


def plans_for(pg: psycopg.Connection, search: Search) -> dict[str, str]:
    statements = finder_statements(search)
    plans: dict[str, str] = {}
    for kind, plan in explain(pg, statements).items():
        settings = statements[kind][2]
        plans[f"{kind} (after {'; '.join(settings)})" if settings else kind] = plan
        if kind.startswith("knn") and settings:
            sql, params, _settings = statements[kind]
            plans[f"{kind}, planner's choice (bitmap scans allowed)"] = explain(
                pg, {"x": (sql, params, [])}
            )["x"]
    return plans


def search_label(search: Search) -> str:
    where = search.q or f"position {search.latitude:.3f}, {search.longitude:.3f}"
    filters = [f"theme {search.theme_slug}"] if search.theme_slug else []
    if search.status:
        filters.append(f"status {search.status}")
    return f"{where}, {search.radius} km" + (f" ({', '.join(filters)})" if filters else "")


# --- Report -------------------------------------------------------------------------------


def table(header: list[str], align: str, rows: list[list[Any]]) -> list[str]:
    spec = {"l": "---", "r": "---:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(spec[a] for a in align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def details(summary: str, body: str) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", "```", body, "```", "", "</details>"]


def lists_table(sizes: list[dict[str, Any]]) -> list[str]:
    """The lists without a place against the same allowance: the searches' bare KNN p95
    (three times) plus the hello-world p95 measured beside the lists."""
    rows = []
    for size in sizes:
        lists = size.get("lists") or {}
        if not lists:
            continue
        hello = lists["all|hello"]["p95"]
        allowed = TARGET_FACTOR * size["result"]["bare"]["p95"] + hello
        for kind in ("digital list", "filters, no place"):
            for endpoint, label in (("finder", "`/grupper/`"), ("api", "`/api/v1/groups`")):
                t = lists[f"{kind}|{endpoint}"]
                size["target_lists"] = size.get("target_lists", True) and t["p95"] <= allowed
                rows.append(
                    [human(size["size"]), kind, label, t["n"], ms(t["p50"]), ms(t["p95"]),
                     ms(allowed), f"{t['p95'] / allowed:.2f}",
                     "PASS" if t["p95"] <= allowed else "FAIL"]
                )  # fmt: skip
    if not rows:
        return []
    return [
        "",
        "Lists without a place, timed beside the searches on the same server (the digital "
        "list, and in-person groups with one filter and no place: a theme, a status or a "
        "day; pages 1 to 3), against the same allowance: 3 × the searches' bare KNN p95 + "
        "the hello-world p95 measured beside the lists:",
        "",
        *table(
            ["groups", "list", "endpoint", "requests", "p50", "p95", "allowed", "ratio",
             "result"],
            "rllrrrrrl",
            rows,
        ),
    ]  # fmt: skip


def render(report: dict[str, Any]) -> str:
    meta, sizes = report["meta"], report["sizes"]
    largest = sizes[-1]
    big = human(largest["size"])
    out: list[str] = []
    add = out.append
    add(
        f"Run on {meta['date']}: {meta['machine']}, PostgreSQL {meta['postgres']} "
        f"(shared_buffers {meta['shared_buffers']}, work_mem {meta['work_mem']}, otherwise "
        f"untuned), Python {meta['python']}, Django {meta['django']}, gunicorn "
        f"{meta['gunicorn']} with {meta['workers']} {meta['worker_class']} workers, DEBUG off, "
        "Redis as the shared cache (as in production; emptied before each size); "
        f"application at commit {meta['commit']}. Whole run: {meta['minutes']:.0f} min."
    )
    add("")
    add("```sh")
    add(meta["command"])
    add("```")
    add("")
    add(
        "Data: groups around the kommune points of `places/data/kommuner.csv`, weighted by "
        "population (Oslo, Bergen, Trondheim, Stavanger, Tromsø, Drammen and Kristiansand "
        f"×{BIG_TOWN_FACTOR:g} on top), gaussian jitter of 2.5–5 km; "
        f"{DIGITAL_SHARE:.0%} digital without coordinates; states "
        + ", ".join(f"{s} {w} %" for s, w in STATES)
        + f"; {CONTACT_POINTS_PER_FYLKE} contact points per fylke; random themes. Loaded with "
        "`COPY` (secondary indexes dropped and rebuilt), then `VACUUM ANALYZE`; the second "
        "size adds the difference."
    )
    add("")
    radius_text = "/".join(str(r) for r, _w in RADII)
    weight_text = "/".join(str(w) for _r, w in RADII)
    add(
        f"Searches: up to {meta['searches']} per size, the same list at every size, after "
        f"{meta['warmup']} unmeasured ones: a town drawn by the same weights, radius "
        f"{radius_text} km (weights {weight_text}), {THEME_FILTER_SHARE:.0%} with a theme, "
        f"{STATUS_FILTER_SHARE:.0%} with a status filter; half typed places "
        "(`GET /grupper/?q=<kommune>`), half positions about 2 km from a town (`POST /grupper/` "
        "with lat/lon). The API gets the same parameters as a query string (its per-address "
        f"rate limit raised to {API_RATE_LIMIT}, still checked). Each search runs "
        "through all layers in a random order, one request at a time (one sequential "
        f"http.client; gunicorn's {meta['worker_class']} worker answers "
        f"`Connection: {'/'.join(meta['connection'])}`, so every HTTP request, hello included, "
        f"opens a loopback connection). A size stops early when its {meta['budget_minutes']:g}-"
        "minute budget is spent (`--budget-minutes`)."
    )
    add("")
    add(
        "*Bare KNN* is the statement of one page of 20 nearest first, built by the finder's own "
        f"code (`{meta['page_statement']}` in `groups.search`; the finder itself reads the "
        "ids up to the end of the page asked for and one more with the same statement, 21 on "
        "the first page, as its page and its count) and "
        "executed with psycopg "
        "(client-side binding, as Django does) the way the finder sends it: "
        f"`{NO_BITMAP}` and the statement in one message, which PostgreSQL runs as one "
        "implicit transaction (one round trip; the setting ends with it). "
        "*Planner's choice* is the same statement without the setting, as the finder sent it "
        "before it read pages in index order."
    )
    add("")
    rows = []
    for size in sizes:
        f = size["facts"]
        rows.append(
            [f"{f['groups']:,}", f"{f['public']:,}", f"{f['digital']:,}", f["table_size"],
             f["indexes_size"], f["gist_size"], f"{size['load']['seconds']:.0f} s"]
        )  # fmt: skip
    out += table(
        ["groups", "public", "digital", "table", "indexes", "GiST", "load"], "rrrrrrr", rows
    )
    add("")
    add("Latency in milliseconds:")
    add("")
    rows = []
    labels = [
        ("bare", "bare KNN page statement (psycopg)"),
        ("planner", "*planner's choice:* the same statement, bitmap scans allowed"),
        ("in_process", "in-process `Client`, `/grupper/`"),
        ("finder", "HTTP finder `/grupper/`"),
        ("api", "HTTP API `/api/v1/groups`"),
        ("hello", "HTTP hello-world floor"),
    ]
    for size in sizes:
        r = size["result"]
        note = (
            f" ({r['n']} searches{', budget reached' if size['cut'] else ''}; load average "
            f"{size['machine_load']['mean']:.1f}, max {size['machine_load']['max']:.1f})"
        )
        for key, label in labels:
            s = r[key]
            rows.append(
                [human(size["size"]) + (note if key == "bare" else ""), label, ms(s["p50"]),
                 ms(s["p95"]), ms(s["p99"]), ms(s["mean"])]
            )  # fmt: skip
    out += table(["groups", "layer", "p50", "p95", "p99", "mean"], "rlrrrr", rows)
    add("")
    rows = []
    for size in sizes:
        r = size["result"]
        hits = Timings([h / 1000 for h in r["hits"]])
        rows.append(
            [human(size["size"]), hits_text(hits.pct(50)), hits_text(hits.pct(95)),
             f"{r['many']} of {r['n']}", f"{r['full_pages']} of {r['n']}"]
        )  # fmt: skip
    cap = listed_cap()
    add(
        f"Groups found per search (the API's `count`; the finder lists and counts the "
        f"nearest {cap:,}, more is «over {cap:,}»):"
    )
    add("")
    out += table(["groups", "p50", "p95", f"more than {cap:,}", "full first page"], "rrrrr", rows)
    add("")
    add(
        f"**Target** (PostgreSQL, {big} groups): finder p95 ≤ {TARGET_FACTOR:g} × bare KNN p95 "
        "+ hello-world p95."
    )
    add("")
    rows = []
    for size in sizes:
        for endpoint, label in (("finder", "`/grupper/`"), ("api", "`/api/v1/groups`")):
            c = size["target"][endpoint]
            rows.append(
                [human(size["size"]), label, ms(c["observed"]), ms(c["allowed"]),
                 f"{c['ratio']:.2f}", f"{c['multiple_of_bare']:.1f}",
                 "PASS" if c["pass"] else "FAIL"]
            )  # fmt: skip
    out += table(
        ["groups", "endpoint", "p95", "allowed", "ratio", "(p95 − hello) / bare p95", "result"],
        "rlrrrrl",
        rows,
    )
    out += lists_table(sizes)
    main = largest["target"]["finder"]
    alt = largest["target_vs_planner"]
    differ = sum(size["result"]["planner_differ"] for size in sizes)
    measured = sum(size["result"]["n"] for size in sizes)
    add("")
    add(
        f"Result at {big}: **{'PASS' if main['pass'] else 'FAIL'}**, finder p95 "
        f"{ms(main['observed'])} ms against {ms(main['allowed'])} ms allowed "
        f"(ratio {main['ratio']:.2f}). Against the planner's choice as the baseline (the "
        f"statement as it was sent before, p95 {ms(largest['result']['planner']['p95'])} ms; "
        f"the same rows in {measured - differ} of {measured} searches) the allowance would be "
        f"{ms(alt['allowed'])} ms: ratio {alt['ratio']:.2f}, "
        f"{'PASS' if alt['pass'] else 'FAIL'}."
    )
    add("")
    add(
        f"Where the finder's time goes at {big} groups (every SQL query of the in-process "
        "requests, timed by an execute wrapper; milliseconds per request):"
    )
    add("")
    kinds = largest["result"]["kinds"]
    rows = [
        [kind, s["n"], ms(s["p50"]), ms(s["p95"]), ms(s["mean"])]
        for kind, s in sorted(kinds.items(), key=lambda kv: -kv[1]["mean"])
    ]
    s = largest["result"]["sql_per_request"]
    rows.append(["all SQL of a request", s["n"], ms(s["p50"]), ms(s["p95"]), ms(s["mean"])])
    s = largest["result"]["python_per_request"]
    rows.append(
        [
            "the rest (Python: form, template, middleware)",
            s["n"],
            ms(s["p50"]),
            ms(s["p95"]),
            ms(s["mean"]),
        ]
    )
    s = largest["result"]["in_process"]
    rows.append(["whole request, in-process", s["n"], ms(s["p50"]), ms(s["p95"]), ms(s["mean"])])
    out += table(["query", "requests", "p50", "p95", "mean"], "lrrrr", rows)
    add("")
    add(
        "The Python part of a search page (target ≤ 8 ms p50 at 20 results): the in-process "
        "request minus its SQL, and this process's CPU for the request (user + system, "
        "which includes the database driver's own work):"
    )
    add("")
    rows = []
    for size in sizes:
        s = size["result"]["python_per_request"]
        cpu = size["result"]["cpu"]["in_process"]["mean"]
        rows.append(
            [
                human(size["size"]),
                ms(s["p50"]),
                ms(s["p95"]),
                ms(cpu),
                "PASS" if s["p50"] <= PYTHON_TARGET_MS else "FAIL",
            ]
        )
    out += table(["groups", "Python p50", "Python p95", "CPU mean", "≤ 8 ms p50"], "rrrrl", rows)
    add("")
    add(
        "CPU per request of the gunicorn workers (user + system from `/proc/<pid>/stat` "
        "before and after each request, summed over the workers; 10 ms clock ticks, so "
        "only the mean over many requests means something) and what it gives per core "
        "if the CPU were the only limit (PostgreSQL's own CPU not included):"
    )
    add("")
    rows = []
    for size in sizes:
        n = size["result"]["n"]
        for layer, label in (
            ("finder", "`/grupper/`"),
            ("api", "`/api/v1/groups`"),
            ("hello", "hello-world floor"),
        ):
            cpu = size["result"]["cpu"][layer]["mean"]
            rows.append(
                [
                    human(size["size"]),
                    label,
                    n,
                    ms(cpu),
                    f"{1000 / cpu:.0f}" if cpu else "–",
                ]
            )
    out += table(
        ["groups", "endpoint", "requests", "CPU ms/request", "requests/s per core"],
        "rlrrr",
        rows,
    )
    add("")
    add(f"By radius at {big} groups (milliseconds):")
    add("")
    rows = []
    for radius, r in largest["by_radius"].items():
        rows.append(
            [f"{radius} km", r["n"], hits_text(r["hits_p50"]), ms(r["bare"]["p50"]),
             ms(r["bare"]["p95"]), ms(r["count"]["p50"]), ms(r["count"]["p95"]),
             ms(r["finder"]["p50"]), ms(r["finder"]["p95"])]
        )  # fmt: skip
    out += table(
        ["radius", "searches", "hits p50", "bare p50", "bare p95", "count p50", "count p95",
         "finder p50", "finder p95"],
        "rrrrrrrrr",
        rows,
    )  # fmt: skip
    add("")
    qc = report["query_counts"]
    add(
        "Queries per results page (`CaptureQueriesContext`; a position search, 5 km, with 10 "
        "and with 1,000 groups in reach; savepoints of the measuring transaction not counted):"
    )
    add("")
    rows = []
    for name, label in (("finder", "`/grupper/`"), ("api", "`/api/v1/groups`")):
        a, b = qc["10"][name], qc["1000"][name]
        kinds_text = ", ".join(f"{k} {v}" for k, v in sorted(b["kinds"].items()))
        rows.append([label, a["queries"], b["queries"], "yes" if a == b else "**no**", kinds_text])
    out += table(["endpoint", "10 hits", "1,000 hits", "equal", "at 1,000 hits"], "lrrll", rows)
    add("")
    for transfer in report["transfer"]:
        add(
            f"First visit of `{transfer['path']}` at {big} groups (bytes; gzip -6 of each "
            f"response; target {TRANSFER_TARGET_BYTES // 1000} KB for HTML + CSS + JS):"
        )
        add("")
        rows = []
        for item in transfer["items"]:
            name = re.sub(r"^/static/", "", item["path"])
            if item["kind"] == "other":
                name += " (not counted)"
            served = f"{item['served_bytes']:,}" + (" gzip" if item["served_gzip"] else "")
            rows.append([name, f"{item['raw']:,}", f"{item['gzip6']:,}", served])
        verdict = "PASS" if transfer["total_gzip6"] <= TRANSFER_TARGET_BYTES else "FAIL"
        rows.append(
            ["**total**", f"{transfer['total_raw']:,}", f"**{transfer['total_gzip6']:,}** "
             f"{verdict}", f"{transfer['total_served']:,}"]
        )  # fmt: skip
        out += table(["file", "bytes", "gzip -6", "served by gunicorn"], "lrrr", rows)
        add("")
    if report.get("what_if"):
        w = report["what_if"]
        add(
            f"What-if at {big} groups, on the benchmark database only (median of 3 runs with "
            "psycopg, ms, each timed with BEGIN, any SET LOCAL and COMMIT): the finder's page "
            f"as it sends it (after `{NO_BITMAP}`) and the planner's choice (without it); the "
            "ORM query `nearby_groups(query)[:20]` (`ORDER BY distance, id`) for comparison; "
            "the count capped at 1,000 as the finder sent it before (`LIMIT 1001` subquery), "
            "the same with bitmap scans off, and exact; and the nearest 101 ids in index "
            "order, which the finder read for its count and pages before it read only as far "
            "as the page asked for (and what page 5 reads)."
        )
        add("")
        rows = []
        for item in w["searches"]:
            rows.append(
                [f"{item['label']}: {item['search']}", f"{item['hits']:,}", ms(item["page_ms"]),
                 ms(item["planner_ms"]), "yes" if item["same_rows"] else "**no**",
                 ms(item["orm_ms"]), ms(item["count_ms"]), ms(item["count_no_bitmap_ms"]),
                 ms(item["exact_count_ms"]),
                 ms(item["ids_ms"]) if item.get("ids_ms") is not None else "–"]
            )  # fmt: skip
        out += table(
            ["search", "groups in reach", "page", "planner's choice", "same rows",
             "ORM `ORDER BY distance, id`", "count ≤ 1,001", "count ≤ 1,001, bitmap off",
             "exact count", "nearest 101 ids"],
            "lrrrlrrrrr",
            rows,
        )  # fmt: skip
        d = w["digital"]
        add("")
        add(
            f"Digital list (no place filter, no other filter): preview "
            f"{ms(d['with_index']['preview_ms'])} ms and count "
            f"{ms(d['with_index']['count_ms'])} ms with the partial index `{DIGITAL_INDEX}` "
            "(`(name, id) WHERE format = 'digital'`); without it (dropped in a rolled-back "
            f"transaction) {ms(d['without_index']['preview_ms'])} ms and "
            f"{ms(d['without_index']['count_ms'])} ms."
        )
        add("")
    for entry in report["plans"]:
        add(f"EXPLAIN (ANALYZE, BUFFERS) at {big}, {entry['title']} ({entry['search']}):")
        add("")
        for name, plan in entry["plans"].items():
            out += details(f"{name}", plan)
            add("")
    return "\n".join(out).rstrip() + "\n"


def write_docs(path: Path, section: str) -> None:
    block = f"{DOCS_BEGIN}\n{section}{DOCS_END}"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if DOCS_BEGIN in text and DOCS_END in text:
        head, rest = text.split(DOCS_BEGIN, 1)
        _old, tail = rest.split(DOCS_END, 1)
        text = head + block + tail
    else:
        new = f"## Group search (`bench/search.py`)\n\n{block}\n"
        if DOCS_PLACEHOLDER in text:
            text = text.replace(DOCS_PLACEHOLDER, new.rstrip("\n"), 1)
        else:
            match = re.search(r"^## ", text, flags=re.MULTILINE)
            if match:
                text = text[: match.start()] + new + "\n" + text[match.start() :]
            else:
                text = text.rstrip("\n") + "\n\n" + new
    path.write_text(text)


# --- Main --------------------------------------------------------------------------------


# Lists without a place, timed beside the searches: the digital list and the
# in-person list with a filter and no place, on the first pages.
LIST_STATUSES = ("open", "starting_soon", "waiting_list")


def list_requests(rng: random.Random, themes: list[str], n: int) -> list[tuple[str, str]]:
    """``n`` lists without a place as (kind, query string), drawn like a seeker's clicks."""
    picked = []
    for _ in range(n):
        page = rng.choice((1, 1, 1, 2, 3))
        if rng.random() < 0.5:
            params = [("format", "digital")]
            if rng.random() < 0.2:
                params.append(("theme", rng.choice(themes)))
            kind = "digital list"
        else:
            choice = rng.random()
            if choice < 0.5:
                params = [("theme", rng.choice(themes))]
            elif choice < 0.8:
                params = [("status", rng.choice(LIST_STATUSES))]
            else:
                params = [("weekday", str(rng.randrange(7)))]
            kind = "filters, no place"
        if page > 1:
            params.append(("page", str(page)))
        picked.append((kind, urllib.parse.urlencode(params)))
    return picked


def measure_lists(server: Server, requests: list[tuple[str, str]], seed: int) -> dict[str, Any]:
    """Each list through the finder and the API, with a hello-world beside it, in a random
    order; milliseconds by kind and endpoint."""
    rng = random.Random(f"{seed}:lists")
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    for kind, query in requests:
        steps = [
            ("finder", f"/grupper/?{query}"),
            ("api", f"/api/v1/groups?{query}"),
            ("hello", "/bench/hello/"),
        ]
        rng.shuffle(steps)
        for endpoint, path in steps:
            elapsed, status, body, _header = server.timed("GET", path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
            times[(kind if endpoint != "hello" else "all", endpoint)].append(elapsed)
    return {
        f"{kind}|{endpoint}": Timings(values).summary()
        for (kind, endpoint), values in times.items()
    }


def run_size(
    args: argparse.Namespace,
    pg: psycopg.Connection,
    env: dict[str, str],
    size: int,
    make_rows: Callable,
    searches: list[Search],
    warmup: list[Search],
    report: dict[str, Any],
) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection

    log(f"=== {human(size)} groups ===")
    load = load_groups(pg, size, make_rows)
    connection.close()
    # Nothing cached for the smaller size (a digital preview, a count) carries over.
    cache.clear()
    facts = table_facts(pg)
    server = Server(env, args.workers, args.worker_class, args.port)
    try:
        layers = Layers(pg, server)
        log(f"measuring up to {len(searches)} searches x 5 layers")
        samples, cut = measure(layers, searches, warmup, args.budget_minutes * 60, args.seed)
        report["meta"]["connection"] = sorted(layers.connection_headers)
        lists: dict[str, Any] = {}
        if args.lists:
            themes = [slug for (slug,) in pg.execute("SELECT slug FROM groups_theme ORDER BY id")]
            drawn = random.Random(f"{args.seed}:list-requests")
            requests = list_requests(drawn, themes, args.lists)
            log(f"measuring {len(requests)} lists without a place x 3 layers")
            lists = measure_lists(server, requests, args.seed)
        if size == args.sizes[-1]:
            report["transfer"] = [
                measure_transfer(server, "/grupper/"),
                measure_transfer(server, "/grupper/?q=Oslo&radius=25"),
            ]
    finally:
        server.stop()
        connection.close()
    result = summarize(samples)
    size_report = {
        "size": size,
        "load": load,
        "facts": facts,
        "cut": cut,
        "result": result,
        "by_radius": by_radius(samples, searches),
        "samples": [s.__dict__ for s in samples],
        "machine_load": {"mean": statistics.fmean(layers.load), "max": max(layers.load)},
        "target": {e: target_check(result, e) for e in ("finder", "api")},
        "target_vs_planner": target_check(result, "finder", "planner"),
        "lists": lists,
    }
    if cut:
        log(f"  budget reached after {len(samples)} searches")
    for key in ("bare", "in_process", "finder", "api", "hello"):
        s = result[key]
        log(f"  {key}: p50 {ms(s['p50'])} ms, p95 {ms(s['p95'])} ms, p99 {ms(s['p99'])} ms")
    s = result["python_per_request"]
    log(f"  Python part: p50 {ms(s['p50'])} ms, p95 {ms(s['p95'])} ms")
    cpu = result["cpu"]
    log("  CPU ms/request: " + ", ".join(f"{layer} {ms(cpu[layer]['mean'])}" for layer in cpu))
    check = size_report["target"]["finder"]
    log(f"  target ratio {check['ratio']:.2f}: {'PASS' if check['pass'] else 'FAIL'}")
    return size_report


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    if "bench" not in database_name(args.database_url):
        raise SystemExit("refusing to use a database whose name does not contain 'bench'")
    started = time.perf_counter()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = server_env(args.database_url, static_root, args.redis_url)
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_SETTINGS_MODULE",
        "DEBUG",
        "ALLOWED_HOSTS",
        "SELVHJELP_RATE_LIMIT_API",
    ):
        os.environ[name] = env[name]
    os.environ["BENCH_STATIC_ROOT"] = static_root
    created = ensure_database(args.database_url)
    name = database_name(args.database_url)
    log(f"database {name} {'created' if created else 'exists'}; migrate, collectstatic")
    pg: psycopg.Connection | None = None
    try:
        manage(env, "migrate")
        manage(env, "collectstatic")
        import django
        import gunicorn

        django.setup()
        from django.db import connection

        pg = psycopg.connect(
            args.database_url, autocommit=True, cursor_factory=psycopg.ClientCursor
        )
        towns = load_towns(pg)
        themes = [(r[0], r[1]) for r in pg.execute("SELECT id, slug FROM groups_theme ORDER BY id")]
        contact_points = ensure_contact_points(pg, towns)
        everything = make_searches(args.searches + args.warmup, args.seed, towns, themes)
        warmup, searches = everything[: args.warmup], everything[args.warmup :]
        if "earth_box" not in page_statement(searches[0])[0]:
            raise SystemExit("the finder's first-page statement is not the radius search")
        fingerprint = code_fingerprint()
        report: dict[str, Any] = {
            "meta": {
                "date": dt.date.today().isoformat(),
                "machine": machine_description(),
                "postgres": pg.execute("SHOW server_version").fetchone()[0].split()[0],
                "shared_buffers": pg.execute("SHOW shared_buffers").fetchone()[0],
                "work_mem": pg.execute("SHOW work_mem").fetchone()[0],
                "python": sys.version.split()[0],
                "django": django.get_version(),
                "gunicorn": gunicorn.__version__,
                "workers": args.workers,
                "worker_class": args.worker_class,
                "searches": args.searches,
                "warmup": args.warmup,
                "budget_minutes": args.budget_minutes,
                "command": " ".join([".venv/bin/python bench/search.py", *shown_args(argv)]),
                "commit": git_commit(),
                "page_statement": "nearby_results(query).page_sql(0, 20)"
                if hasattr(sys.modules["groups.search"], "NEAR_CAP")
                else "nearby_results(query)[0:20]"
                if hasattr(sys.modules["groups.search"], "nearby_results")
                else "nearby_groups(query)[:20]",
            },
            "sizes": [],
        }

        def make_rows(start: int, stop: int) -> Iterator[tuple]:
            return generate_groups(start, stop, args.seed, towns, contact_points, themes)

        for size in args.sizes:
            check_fingerprint(fingerprint)
            report["sizes"].append(
                run_size(args, pg, env, size, make_rows, searches, warmup, report)
            )
            check_fingerprint(fingerprint)
        largest = report["sizes"][-1]
        log("query counts at 10 and 1,000 hits")
        report["query_counts"] = measure_query_counts()
        connection.close()
        measured = largest["samples"]
        by_finder = sorted(measured, key=lambda s: -s["finder"])
        by_bare = sorted(measured, key=lambda s: -s["bare"])
        slowest = searches[by_finder[0]["search"]]
        slowest_page = searches[by_bare[0]["search"]]
        log(f"EXPLAIN ANALYZE: {search_label(slowest)}")
        report["plans"] = [
            {
                "title": "every query of the finder's slowest search",
                "search": search_label(slowest),
                "plans": plans_for(pg, slowest),
            }
        ]
        if slowest_page != slowest:
            page_plans = plans_for(pg, slowest_page)
            report["plans"].append(
                {
                    "title": "the slowest page statement",
                    "search": search_label(slowest_page),
                    "plans": {k: v for k, v in page_plans.items() if k.startswith("knn")},
                }
            )
        connection.close()
        if not args.no_what_if:
            log("what-if: planner's page, counts, the digital list without its index")
            picked = [("slowest finder", slowest)]
            if by_bare[0]["search"] != by_finder[0]["search"]:
                picked.append(("slowest page statement", searches[by_bare[0]["search"]]))
            picked.append(("median finder", searches[by_finder[len(by_finder) // 2]["search"]]))
            report["what_if"] = what_if(pg, picked)
        connection.close()
        report["meta"]["minutes"] = (time.perf_counter() - started) / 60
        section = render(report)
        print()
        print(section)
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=1, default=str))
        if not args.no_docs:
            write_docs(ROOT / args.docs, section)
            log(f"results written to {args.docs}")
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if pg is not None:
            pg.close()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if not args.keep:
            drop_database(args.database_url)
            log(f"database {name} dropped")
    log(f"done in {(time.perf_counter() - started) / 60:.1f} min")
    return 0


def shown_args(argv: list[str]) -> list[str]:
    """The arguments that shape the results (not where they are written)."""
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--json", "--docs"):
            skip = True
        elif not arg.startswith(("--json=", "--docs=", "--no-docs")):
            shown.append(arg)
    return shown


# The code a search runs through; if it changes during a run, the in-process layer (imported
# once) and gunicorn (started for each size) would measure different versions.
FINDER_PATH = (
    "groups/search.py", "groups/finder.py", "groups/api.py", "groups/forms.py",
    "groups/models.py", "places/selectors.py", "templates/base.html",
    "templates/groups/group_list.html", "templates/groups/includes/*.html",
)  # fmt: skip


def code_fingerprint() -> dict[str, str]:
    """A hash of each file on the finder's path."""
    hashes = {}
    for pattern in FINDER_PATH:
        for path in sorted(ROOT.glob(pattern)):
            hashes[str(path.relative_to(ROOT))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def changed_files(expected: dict[str, str]) -> list[str]:
    now = code_fingerprint()
    return sorted(
        name for name in expected.keys() | now.keys() if expected.get(name) != now.get(name)
    )


def check_fingerprint(expected: dict[str, str]) -> None:
    changed = changed_files(expected)
    if changed:
        raise SystemExit(
            "the finder's code changed during the run (" + ", ".join(changed) + "): the "
            "in-process layer and gunicorn would measure different versions. Run again."
        )


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", ".", ":!bench", ":!docs", ":!tests"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
    except OSError:
        return "unknown"
    changed = [line for line in status.splitlines() if line.strip()]
    return head + (f" with {len(changed)} uncommitted files" if changed else "")


if __name__ == "__main__":
    sys.exit(main())
