#!/usr/bin/env python
"""Benchmark of the district statistics page on PostgreSQL.

Fills a dedicated database with 100k groups and 1M meetings (plus the start
of the first meetings, support requests and interest registrations), then requests
``/personale/statistikk/`` in-process with Django's test client, as a
district office (one district) and as the national office (the whole
country, and the whole country filtered to one theme). Server time is the
time of the request inside the process: routing, middleware, every query,
templates and the SVG charts. Target: p95 under 500 ms.

Results (p50/p95 per view, query counts, the slowest queries) go to
``docs/benchmarks.md`` between this script's markers. Run from the
repository root:

    .venv/bin/python bench/dashboard.py
    .venv/bin/python bench/dashboard.py --groups 20000 --meetings 200000 --no-docs
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql as pgsql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/selvhjelp_bench_dash"
DOCS_BEGIN = "<!-- bench/dashboard.py: begin -->"
DOCS_END = "<!-- bench/dashboard.py: end -->"
TARGET_MS = 500.0
DISTRICTS = 7


def recreate_database(url: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.pop("dbname")
    info["dbname"] = "postgres"
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(
            pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name))
        )
        conn.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))


def drop_database(url: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.pop("dbname")
    info["dbname"] = "postgres"
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(
            pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name))
        )


def insert_like(table: str, template_pk: int, overrides: dict[str, str], source: str) -> None:
    """``INSERT INTO table SELECT …``: ``overrides`` per column, every other column
    copied from the template row made by the ORM (so fields added later, with
    Python-side defaults, are filled too)."""
    from django.db import connection

    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(cursor, table)
            if c.name != "id"
        ]
        values = [overrides.get(c, f"tpl.{connection.ops.quote_name(c)}") for c in columns]
        unknown = set(overrides) - set(columns)
        assert not unknown, f"no such columns in {table}: {unknown}"
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        # No parameters: the SQL uses % as the modulo operator.
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {', '.join(values)} "  # noqa: S608
            f"FROM ({source}) src CROSS JOIN "
            f"(SELECT * FROM {table} WHERE id = {int(template_pk)}) tpl"
        )
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [template_pk])  # noqa: S608


GROUPS_SOURCE = """
SELECT g, t.id AS theme_id, cp.id AS cp_id, k.id AS kommune_id, k.latitude, k.longitude,
       pub.at AS published_at, st.state, st.after
FROM generate_series(1::bigint, {groups}) g
JOIN bench_k k ON k.n = 1 + (g * 7919) % (SELECT count(*) FROM bench_k)
JOIN bench_t t ON t.n = 1 + (g * 104729) % (SELECT count(*) FROM bench_t)
JOIN bench_cp cp ON cp.kommune_id = k.id
CROSS JOIN LATERAL (SELECT now() - ((g * 613) % 1095 || ' days')::interval AS at) pub
CROSS JOIN LATERAL (
    SELECT CASE WHEN g % 100 < 52 THEN 'self_run' WHEN g % 100 < 66 THEN 'forming'
                WHEN g % 100 < 78 THEN 'starting' WHEN g % 100 < 88 THEN 'paused'
                WHEN g % 100 < 96 THEN 'ended' ELSE 'draft' END AS state,
           CASE WHEN g % 100 < 66 THEN 120 ELSE 30 END AS after
) st
"""

GROUP_COLUMNS = {
    "slug": "'gruppe-' || src.g",
    "inside_token": "'bench-' || src.g",  # unique, like the opaque tokens it stands for
    "name": "'Gruppe ' || src.g",
    "theme_id": "src.theme_id",
    "contact_point_id": "src.cp_id",
    "format": "CASE WHEN src.g % 10 = 0 THEN 'digital' ELSE 'in_person' END",
    "kommune_id": "CASE WHEN src.g % 10 = 0 THEN NULL ELSE src.kommune_id END",
    "latitude": "CASE WHEN src.g % 10 = 0 THEN NULL ELSE src.latitude END",
    "longitude": "CASE WHEN src.g % 10 = 0 THEN NULL ELSE src.longitude END",
    "weekday": "src.g % 7",
    "member_count": "src.g % 9",
    "state": "src.state",
    "state_changed_at": "LEAST(now(), src.published_at + (src.after || ' days')::interval)",
    "published_at": "src.published_at",
    "self_run_at": "CASE WHEN src.state IN ('self_run', 'paused') "
    "THEN LEAST(now(), src.published_at + interval '120 days') END",
    "created_at": "src.published_at",
}

MEETINGS_SOURCE = """
SELECT m, g.id AS group_id, o.at
FROM generate_series(0::bigint, {meetings} - 1) m
JOIN bench_g g ON g.n = m % (SELECT count(*) FROM bench_g)
CROSS JOIN LATERAL (
    SELECT date_trunc('day', now()) - ((g.id * 37) % 120 || ' days')::interval
           - ((m / (SELECT count(*) FROM bench_g)) * 7 || ' days')::interval
           + interval '18 hours' AS at
) o
"""

MEETING_COLUMNS = {
    "group_id": "src.group_id",
    "occurrence": "src.at",
    "starts_at": "src.at",
    "ends_at": "src.at + interval '2 hours'",
    "cancelled_at": "CASE WHEN src.m % 20 = 0 THEN src.at - interval '1 day' END",
    "attendance": "CASE WHEN src.m % 5 = 0 THEN NULL ELSE (src.m * 31) % 9 END",
    "attendance_recorded_at": (
        "CASE WHEN src.m % 5 = 0 THEN NULL ELSE src.at + interval '3 hours' END"
    ),
}


def seed(groups: int, meetings: int) -> dict[str, int]:
    """Seven districts, two contact points per kommune, then groups and meetings in SQL."""
    from django.db import connection

    from groups.models import Group, SupportRequest, Theme
    from meetings.models import Meeting
    from organisations.models import ContactPoint, District
    from places.models import Fylke, Kommune

    started = time.perf_counter()
    # The seven district offices come with the migrations; any fylke left
    # without one is shared out.
    districts = list(District.objects.order_by("pk"))
    if not districts:
        districts = District.objects.bulk_create(
            [
                District(slug=f"distrikt-{n}", name=f"Distriktskontor {n}", office_town=f"By {n}")
                for n in range(1, DISTRICTS + 1)
            ]
        )
    for n, fylke in enumerate(Fylke.objects.filter(district__isnull=True).order_by("number")):
        fylke.district = districts[n % len(districts)]
        fylke.save(update_fields=["district"])
    ContactPoint.objects.bulk_create(
        [
            ContactPoint(
                slug=f"kp-{k.number}-{s}",
                name=f"Kontaktpunkt {k.name} {s}",
                kind=ContactPoint.Kind.FRISKLIVSSENTRAL,
                kommune=k,
            )
            for k in Kommune.objects.all()
            for s in (1, 2)
        ]
    )
    theme = Theme.objects.order_by("pk").first()
    cp = ContactPoint.objects.order_by("pk").first()
    template = Group.objects.create(
        slug="mal", name="Mal", theme=theme, contact_point=cp, format="digital"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_k AS SELECT row_number() OVER (ORDER BY id) AS n, id, "
            "latitude, longitude FROM places_kommune;"
            "CREATE TEMP TABLE bench_t AS SELECT row_number() OVER (ORDER BY id) AS n, id "
            "FROM groups_theme;"
            "CREATE TEMP TABLE bench_cp AS SELECT kommune_id, min(id) AS id "
            "FROM organisations_contactpoint GROUP BY kommune_id;"
        )
    insert_like("groups_group", template.pk, GROUP_COLUMNS, GROUPS_SOURCE.format(groups=groups))
    print(f"  groups done at {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # The start of the first meetings of every group that ran itself.
        cursor.execute(
            "UPDATE groups_group SET started_at = "
            "self_run_at - ((4 + id % 16) || ' weeks')::interval WHERE self_run_at IS NOT NULL"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_g AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id "
            "FROM groups_group WHERE state <> 'draft'"
        )
    first = Group.objects.exclude(state="draft").order_by("pk").first()
    assert first is not None
    meeting = Meeting.objects.create(
        group=first,
        occurrence=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        starts_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2000, 1, 1, 2, tzinfo=dt.UTC),
    )
    insert_like(
        "meetings_meeting", meeting.pk, MEETING_COLUMNS, MEETINGS_SOURCE.format(meetings=meetings)
    )
    print(f"  meetings done at {time.perf_counter() - started:.0f} s", flush=True)
    asking = Group.objects.filter(state__in=Group.State.MEETING).order_by("pk")
    SupportRequest.objects.bulk_create(
        [
            SupportRequest(group_id=pk, message="Vi trenger støtte.")
            for pk in asking.values_list("pk", flat=True)[::50]
        ]
    )
    seed_interest()
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for table in ("groups_group", "meetings_meeting",
                      "interest_interestregistration", "groups_supportrequest"):  # fmt: skip
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM groups_group WHERE started_at IS NOT NULL")
        counts["started"] = cursor.fetchone()[0]
    counts["seconds"] = round(time.perf_counter() - started)
    from monitoring.services import activity_refresh

    for label, months in (("refresh_all_ms", None), ("refresh_recent_ms", 2)):
        begun = time.perf_counter()
        counts[label.replace("_ms", "_cells")] = activity_refresh(months=months)
        counts[label] = round((time.perf_counter() - begun) * 1000)
    return counts


def seed_interest(people: int = 20_000) -> None:
    """People waiting on the interest list, through the ORM (users need hashes)."""
    from accounts.models import User
    from groups.models import Theme
    from interest.models import InterestRegistration
    from places.models import Kommune

    users = User.objects.bulk_create(
        [
            User(email=f"venter{n}@bench.example", display_name=f"Venter {n}", password="!")  # noqa: S106
            for n in range(people)
        ],
        batch_size=5000,
    )
    kommuner = list(Kommune.objects.values_list("pk", flat=True))
    themes = list(Theme.objects.values_list("pk", flat=True))
    now = dt.datetime.now(dt.UTC)
    InterestRegistration.objects.bulk_create(
        [
            InterestRegistration(
                user=user,
                theme_id=themes[(n * 13) % len(themes)],
                format="digital" if n % 8 == 0 else "in_person",
                kommune_id=kommuner[(n * 101) % len(kommuner)],
                created_at=now,
                expires_at=now + dt.timedelta(days=300),
            )
            for n, user in enumerate(users)
        ],
        batch_size=5000,
    )


def staff_clients():  # type: ignore[no-untyped-def]
    from django.db.models import Count
    from django.test import Client

    from accounts.models import User
    from organisations.models import District, StaffRole
    from tests.conftest import login
    from tests.factories import give_totp

    # The district office with the most groups: the heaviest district page.
    district = District.objects.annotate(n=Count("fylker__kommuner__groups")).order_by("-n").first()
    User.objects.filter(email__in=["distrikt@bench.example", "nasjonal@bench.example"]).delete()
    local = User.objects.create_user(email="distrikt@bench.example", password=None)
    StaffRole.objects.create(user=local, kind=StaffRole.Kind.DISTRICT_STAFF, district=district)
    national = User.objects.create_user(email="nasjonal@bench.example", password=None)
    StaffRole.objects.create(user=national, kind=StaffRole.Kind.NATIONAL_ADMIN)
    for user in (local, national):
        give_totp(user)
    return login(Client(), local, mfa=True), login(Client(), national, mfa=True)


def measure(client, path: str, query: dict[str, str], repeats: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm caches and the connection
        response = client.get(path, query)
        assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(path, query)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get(path, query)
    slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p95": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
        "max": timings[-1],
        "queries": len(ctx.captured_queries),
        "slowest": [(round(float(q["time"]) * 1000), q["sql"][:90]) for q in slowest],  # type: ignore[dict-item]
    }


def measure_map(repeats: int) -> list[tuple[str, dict[str, float]]]:
    """The map's share of the page: ``kommune_map`` alone, on the dashboard's numbers."""
    from django.http import QueryDict

    from accounts.models import User
    from monitoring import maps, selectors
    from monitoring.filters import scope_from_request

    out = []
    for label, email in (
        ("district office", "distrikt@bench.example"),
        ("national", "nasjonal@bench.example"),
    ):
        user = User.objects.get(email=email)
        scope = scope_from_request(user=user, data=QueryDict("")).scope
        assert scope is not None
        data = selectors.dashboard(scope)
        drawn = maps.kommune_map(scope, data, maps.GROUPS)  # warm the outlines
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            drawn = maps.kommune_map(scope, data, maps.GROUPS)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        out.append(
            (
                label,
                {
                    "p50": statistics.median(timings),
                    "p95": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
                    "paths": drawn.drawn,
                    "kb": len(drawn.svg) // 1024,
                },
            )
        )
    return out


# The index the follow-up list wants on meetings (not in the meetings app yet):
# ``models.Index(fields=["starts_at", "group"], condition=Q(cancelled_at__isnull=True,
# attendance__isnull=False), name="meetings_meeting_recorded")``.
SUGGESTED_INDEX = (
    "CREATE INDEX IF NOT EXISTS meetings_meeting_recorded ON meetings_meeting "
    "(starts_at, group_id) WHERE cancelled_at IS NULL AND attendance IS NOT NULL"
)


def set_suggested_index(present: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if present:
            cursor.execute(SUGGESTED_INDEX)
        else:
            cursor.execute("DROP INDEX IF EXISTS meetings_meeting_recorded")
        cursor.execute("VACUUM ANALYZE meetings_meeting")


def write_docs(text: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    content = path.read_text()
    block = f"{DOCS_BEGIN}\n{text.rstrip()}\n{DOCS_END}"
    if DOCS_BEGIN in content:
        before, rest = content.split(DOCS_BEGIN, 1)
        after = rest.split(DOCS_END, 1)[1]
        content = before + block + after
    else:
        content = content.rstrip() + "\n\n" + block + "\n"
    path.write_text(content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure an existing database")
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "selvhjelp.settings.base"
    sys.path.insert(0, str(ROOT))
    if not args.reuse:
        recreate_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    counts: dict[str, int] = {}
    if not args.reuse:
        call_command("migrate", verbosity=0)
        print(f"seeding {args.groups} groups and {args.meetings} meetings …", flush=True)
        counts = seed(args.groups, args.meetings)
        print(counts, flush=True)

    from groups.models import Theme

    # Plain static storage: the page links CSS without a collectstatic manifest.
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        local, national = staff_clients()
        theme = Theme.objects.order_by("pk").first()
        assert theme is not None
        path = "/personale/statistikk/"
        views = [
            ("district office, 12 months", local, {}),
            ("district office, 60 months", local, {"fra": _months_back(59)}),
            ("national, 12 months", national, {}),
            ("national, one theme", national, {"tema": theme.slug}),
        ]
        variants = []
        load_before = os.getloadavg()[0]
        for with_index in (False, True):
            set_suggested_index(with_index)
            results = []
            for label, client, query in views:
                result = measure(client, path, query, args.repeats)
                results.append((label, result))
                print(
                    f"{'with' if with_index else 'without'} index, {label}: "
                    f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, "
                    f"{result['queries']} queries; slowest {result['slowest']}",
                    flush=True,
                )
            variants.append((with_index, results))
        map_share = measure_map(args.repeats)
        print(f"the map alone: {map_share}", flush=True)

    load_after = os.getloadavg()[0]
    lines = [
        f"Run {dt.date.today():%Y-%m-%d} on this machine (2 cores shared with other "
        f"processes; 1-minute load average {load_before:.1f} before and {load_after:.1f} "
        f"after the measurements), PostgreSQL, in-process Django test client with `DEBUG` "
        f"off, {args.repeats} timed requests per view after 2 warm-up requests.",
        "",
    ]
    if counts:
        lines += [
            f"Data: {counts['groups_group']:,} groups, {counts['meetings_meeting']:,} meetings, "
            f"{counts['started']:,} recorded starts, "
            f"{counts['interest_interestregistration']:,} interest registrations, "
            f"{counts['groups_supportrequest']:,} support requests (seeded in "
            f"{counts['seconds']} s with `generate_series`).",
            "",
            f"Rebuilding the pre-aggregated meeting cells (`monitoring.services."
            f"activity_refresh`): all months {counts['refresh_all_ms']:,} ms "
            f"({counts['refresh_all_cells']:,} cells), the last two months (the 15-minute "
            f"run) {counts['refresh_recent_ms']:,} ms.",
            "",
        ]
    lines += [
        "| view | suggested index | p50 ms | p95 ms | max ms | queries | p95 under 500 ms |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for with_index, results in variants:
        for label, r in results:
            ok = "yes" if r["p95"] < TARGET_MS else "**no**"
            lines.append(
                f"| {label} | {'yes' if with_index else 'no'} | {r['p50']:.0f} | "
                f"{r['p95']:.0f} | {r['max']:.0f} | {r['queries']} | {ok} |"
            )
    lines += [
        "",
        "The kommune map's own share of the page (`monitoring.maps.kommune_map`: its one "
        "query and the SVG with every title, on the numbers the page has already summed), "
        "timed in the same run: "
        + ", ".join(
            f"{label} p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms ({r['paths']} outlines, "
            f"{r['kb']} KB of SVG)"
            for label, r in map_share
        )
        + ".",
    ]
    lines += ["", "Slowest queries of one request (ms, start of the SQL):", ""]
    for with_index, results in variants:
        for label, r in results:
            for ms, sql in r["slowest"][:2]:
                index_note = "with index" if with_index else "without index"
                lines.append(f"- {label}, {index_note}: {ms} ms `{sql.replace('`', '')}…`")
    text = "\n".join(lines)
    print(text)
    if not args.no_docs:
        write_docs(text)
    if not args.keep and not args.reuse:
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)
    return 0


def _months_back(count: int) -> str:
    today = dt.date.today()
    index = today.year * 12 + today.month - 1 - count
    return f"{index // 12}-{index % 12 + 1:02d}"


if __name__ == "__main__":
    sys.exit(main())
