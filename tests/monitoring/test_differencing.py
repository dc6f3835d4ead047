"""No combination of filters can single out one or two people.

The test plays the attacker: it downloads every people-count table (members,
attendance, unmet demand) for every combination of area, theme and time
range a national administrator can ask for, gives each published number the
set of base cells it covers, and subtracts: one number minus another that
covers a subset of its cells, and minus two disjoint subsets. Any result of
1 or 2 would be a count of people the "<3" rule meant to hide.

The same attack on the numbers a naive rule would show (true sums, "<3" only
where a sum itself is below 3) must find a leak on the same data, so the
test can fail.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable

import pytest
from django.db.models import F, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone, translation

from groups.models import Group
from interest.models import InterestRegistration
from meetings.models import Meeting
from monitoring.filters import OSLO

from .conftest import months_ago

pytestmark = pytest.mark.django_db

Universe = frozenset[tuple[object, ...]]


def _rows(client, table: str, query: dict[str, str]) -> list[list[str]]:
    response = client.get(reverse("monitoring:export_csv", args=[table]), query)
    assert response.status_code == 200, (table, query, response.content[:200])
    return list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))


def find_leaks(published: dict[Universe, int]) -> list[tuple[int, int, int | None]]:
    """Differences of published numbers that come out at 1 or 2."""
    items = list(published.items())
    leaks = []
    for whole, value in items:
        parts = [(u, v) for u, v in items if u < whole]
        for _, part in parts:
            if value - part in (1, 2):
                leaks.append((value, part, None))
        for (u1, v1), (u2, v2) in itertools.combinations(parts, 2):
            if not (u1 & u2) and value - v1 - v2 in (1, 2):
                leaks.append((value, v1, v2))
    return leaks


def record(target: dict[Universe, int], universe: Iterable[tuple[object, ...]], shown: str) -> None:
    if shown == "<3":
        return  # not a number: nothing to subtract
    universe = frozenset(universe)
    value = int(shown)
    if universe in target:
        assert target[universe] == value, "two pages disagree about the same cells"
    target[universe] = value


def naive(raw: dict[tuple[object, ...], int], universe: Iterable[tuple[object, ...]]) -> str:
    total = sum(raw.get(cell, 0) for cell in universe)
    return "<3" if 0 < total < 3 else str(total)


def test_differencing_across_filters_never_reveals_small_counts(stats, role_client):
    w = stats.roles
    client = role_client("national_admin")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    kommuner = {
        k.pk: k
        for k in (w.kommune_a, stats.kommune_a2, stats.kommune_a3, stats.kommune_far, w.kommune_b)
    }
    by_name = {k.name: pk for pk, k in kommuner.items()}
    themes = {w.theme.pk: w.theme, stats.theme2.pk: stats.theme2}
    theme_by_name = {t.name_en: pk for pk, t in themes.items()}
    with translation.override("en"):
        state_by_label = {str(Group.State(s).label): s for s in Group.State.PUBLISHED}

    areas: list[tuple[dict[str, str], set[int]]] = [
        ({}, set(kommuner)),
        ({"distrikt": w.district_a.slug}, set(kommuner) - {w.kommune_b.pk}),
        ({"distrikt": w.district_b.slug}, {w.kommune_b.pk}),
        ({"fylke": w.fylke_a.number}, {w.kommune_a.pk, stats.kommune_a2.pk}),
        ({"fylke": stats.fylke_a2.number}, {stats.kommune_a3.pk, stats.kommune_far.pk}),
        ({"fylke": w.fylke_b.number}, {w.kommune_b.pk}),
        *(({"kommune": k.number}, {pk}) for pk, k in kommuner.items()),
    ]
    theme_filters: list[tuple[dict[str, str], set[int]]] = [
        ({}, set(themes)),
        *(({"tema": t.slug}, {pk}) for pk, t in themes.items()),
    ]
    month = [months_ago(n).strftime("%Y-%m") for n in range(6)]
    ranges = [
        (month[5], month[0]),
        (month[3], month[1]),
        (month[1], month[1]),
        (month[2], month[2]),
        (month[3], month[3]),
    ]

    # The true numbers per base cell, for the naive rule.
    area = Coalesce(F("kommune_id"), F("contact_point__kommune_id"))
    raw_members = {
        (r["state"], r["theme_id"], r["k"]): r["n"]
        for r in Group.objects.exclude(state="draft")
        .annotate(k=area)
        .values("state", "theme_id", "k")
        .annotate(n=Sum("member_count"))
    }
    raw_attendance = {
        (r["m"].strftime("%Y-%m"), r["group__theme_id"], r["k"]): r["n"] or 0
        for r in Meeting.objects.filter(starts_at__lt=timezone.now(), cancelled_at__isnull=True)
        .annotate(
            m=TruncMonth("starts_at", tzinfo=OSLO),
            k=Coalesce(F("group__kommune_id"), F("group__contact_point__kommune_id")),
        )
        .values("m", "group__theme_id", "k")
        .annotate(n=Sum("attendance"))
    }
    raw_demand: dict[tuple[object, ...], int] = {}
    for r in InterestRegistration.objects.waiting().values("theme_id", "format", "kommune_id"):
        key = (r["theme_id"], r["format"], r["kommune_id"])
        raw_demand[key] = raw_demand.get(key, 0) + 1

    members: dict[Universe, int] = {}
    attendance: dict[Universe, int] = {}
    demand: dict[Universe, int] = {}
    naive_members: dict[Universe, int] = {}
    naive_attendance: dict[Universe, int] = {}
    requests = 0

    for (area_q, ks), (theme_q, ts) in itertools.product(areas, theme_filters):
        query = {**area_q, **theme_q}

        def cells(states, ts=ts, ks=ks):
            return [(s, t, k) for s in states for t in ts for k in ks]

        for table in ("states", "themes", "kommuner"):
            rows = _rows(client, table, query)
            requests += 1
            for label, _groups, shown in rows[1:]:
                if table == "states":
                    universe = cells(
                        Group.State.PUBLISHED if label == "Total" else [state_by_label[label]]
                    )
                elif table == "themes":
                    tset = ts if label == "Total" else {theme_by_name[label]}
                    universe = cells(Group.State.ACTIVE, ts=tset)
                else:
                    kset = ks if label == "Total" else {by_name[label]}
                    universe = cells(Group.State.ACTIVE, ks=kset)
                record(members, universe, shown)
                record(naive_members, universe, naive(raw_members, universe))

        for first, last in ranges:
            rows = _rows(client, "months", {**query, "fra": first, "til": last})
            requests += 1
            months_in = [m for m in month if first <= m <= last]
            for label, *_counts, shown in rows[1:]:
                ms = months_in if label == "Total" else [label]
                universe = [(m, t, k) for m in ms for t in ts for k in ks]
                record(attendance, universe, shown)
                record(naive_attendance, universe, naive(raw_attendance, universe))

        rows = _rows(client, "demand", query)
        requests += 1
        listed: list[tuple[object, ...]] = []
        for theme_name, where, shown in rows[1:-1]:
            cell = (theme_by_name[theme_name], "in_person", by_name[where])
            listed.append(cell)
            record(demand, [cell], shown)
        record(demand, listed, rows[-1][2])

    assert requests == 33 * 9
    assert len(members) > 30 and len(attendance) > 30 and len(demand) >= 2
    assert find_leaks(members) == []
    assert find_leaks(attendance) == []
    assert find_leaks(demand) == []
    # The attack works against the naive rule on the same data.
    assert find_leaks(naive_members)
    assert find_leaks(naive_attendance)
