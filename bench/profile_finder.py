"""Where the finder's Python time goes: in-process searches with a profile.

Runs the searches ``bench/search.py`` makes (same seed, same mix) through
Django's test client against an existing benchmark database (one that
``bench/search.py --keep`` left), times every SQL statement with an execute
wrapper, and prints the Python part of each request (the whole request minus
its SQL) as p50/p95, then the functions that cost the most under cProfile.
The Python part does not depend on the table's size, so a 100k database is
enough::

    .venv/bin/python bench/profile_finder.py \\
        --database-url postgres://postgres@127.0.0.1:5432/selvhjelp_bench_search
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/5",
        help="Redis database for the shared cache, as in production (default: %(default)s)",
    )
    parser.add_argument("--top", type=int, default=40, help="profile lines to print")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--api", action="store_true", help="profile the JSON API instead")
    parser.add_argument("--output", metavar="PATH", help="also write the profile (pstats) here")
    parser.add_argument(
        "--static-root",
        default=os.path.join(tempfile.gettempdir(), "selvhjelp-bench-static"),
        help="where collectstatic puts the hashed files (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        raise SystemExit("refusing to use a database whose name does not contain 'bench'")
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        SELVHJELP_RATE_LIMIT_API="1000000/m/ip",
        BENCH_STATIC_ROOT=args.static_root,
    )
    import urllib.parse

    import django
    import psycopg

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.core.cache import cache

    cache.clear()
    from django.db import connection
    from django.test import Client

    from bench import search as bench

    pg = psycopg.connect(args.database_url, autocommit=True)
    towns = bench.load_towns(pg)
    themes = [(r[0], r[1]) for r in pg.execute("SELECT id, slug FROM groups_theme ORDER BY id")]
    pg.close()
    searches = bench.make_searches(args.searches + 10, args.seed, towns, themes)
    client = Client(HTTP_HOST="127.0.0.1")

    def one(search: bench.Search) -> tuple[float, float, float]:
        timer = bench.QueryTimer()
        with connection.execute_wrapper(timer):
            c0 = time.process_time()
            t0 = time.perf_counter()
            if args.api:
                query = urllib.parse.urlencode(search.params())
                response = client.get(f"/api/v1/groups?{query}")
            else:
                response = bench.finder_request(client, search)
            total = time.perf_counter() - t0
            cpu = time.process_time() - c0
        assert response.status_code == 200, response.status_code
        sql = sum(seconds for _sql, _params, seconds in timer.queries)
        return total, sql, cpu

    for search in searches[:10]:
        one(search)
    totals, pythons, cpus = [], [], []
    profile = cProfile.Profile()
    for search in searches[10:]:
        total, sql, cpu = one(search)
        totals.append(total * 1000)
        pythons.append((total - sql) * 1000)
        cpus.append(cpu * 1000)
    for search in searches[10:]:
        profile.enable()
        one(search)
        profile.disable()
    what = "/api/v1/groups" if args.api else "/grupper/"
    print(f"{what}: {len(totals)} searches in-process")
    print(
        f"  whole request p50 {statistics.median(totals):.2f} ms, "
        f"p95 {percentile(totals, 0.95):.2f} ms"
    )
    print(
        f"  Python part (request minus SQL) p50 {statistics.median(pythons):.2f} ms, "
        f"p95 {percentile(pythons, 0.95):.2f} ms"
    )
    print(
        f"  CPU of this process (user + system) p50 {statistics.median(cpus):.2f} ms, "
        f"mean {statistics.mean(cpus):.2f} ms"
    )
    if args.output:
        profile.dump_stats(args.output)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
