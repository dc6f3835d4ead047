"""Query plans of the finder on PostgreSQL, and the scope of its planner setting.

The digital list must read the partial index ``groups_group_digital_name`` in
order; the nearest-first page must read the GiST index in distance order
(``SET LOCAL enable_bitmapscan = off`` for that statement), and the setting
must not reach any other query on the connection.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from groups import search
from groups.models import Group, Theme
from groups.search import (
    BITMAP_SCANS_OFF,
    KnnPages,
    SearchQuery,
    digital_groups,
    nearby_groups,
    nearby_results,
)
from organisations.models import ContactPoint

from .conftest import kommune

DRAMMEN = (59.7441, 10.2045)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL query plans and settings"
)


def _bitmap_scans() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        return str(cursor.fetchone()[0])


@pytest.fixture
def many_groups(make_group):
    """5,000 public groups in southern Norway (a fifth digital), analysed.

    Two themes, so that a theme filter makes the planner consider a BitmapAnd
    of the GiST and theme indexes, the plan that was slow at 1M groups.
    """
    first = make_group("3301")
    themes = [first.theme, Theme.objects.exclude(pk=first.theme_id).first() or first.theme]
    contact_point = ContactPoint.objects.get(pk=first.contact_point_id)
    place = kommune("3301")
    groups = []
    for i in range(5000):
        digital = i % 5 == 0
        groups.append(
            Group(
                slug=f"plan-{i}",
                name=f"Gruppe {i % 997:03d}",
                theme=themes[i % 2],
                contact_point=contact_point,
                kommune=None if digital else place,
                format=Group.Format.DIGITAL if digital else Group.Format.IN_PERSON,
                latitude=None if digital else 58 + (i % 100) / 50,
                longitude=None if digital else 8 + (i // 100) / 12,
                state=Group.State.SELF_RUN,
            )
        )
    Group.objects.bulk_create(groups)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE groups_group")
    return themes


def _explain_page(query: SearchQuery, stop: int = 20) -> tuple[list[int], str, str]:
    """Read a page the finder's way and return its ids, plan and bitmap setting.

    The plan is taken on the same cursor right before the page statement runs,
    so it is the plan under whatever the finder set for it.
    """
    seen: dict[str, str] = {}

    def wrapper(execute, sql, params, many, context):
        if "WITH TIES" in sql and "EXPLAIN" not in sql:
            cursor = context["cursor"]
            # In autocommit the setting travels in the same message as the statement.
            setting, sep, statement = sql.rpartition(BITMAP_SCANS_OFF + "; ")
            prefix = setting + sep

            def run(text, args=None):
                cursor.execute(prefix + text, args)
                if prefix:
                    cursor.nextset()
                return cursor.fetchall()

            seen["setting"] = run("SHOW enable_bitmapscan")[0][0]
            seen["plan"] = "\n".join(row[0] for row in run("EXPLAIN " + statement, params))
            seen["one message"] = bool(prefix)
        return execute(sql, params, many, context)

    pages = nearby_results(query)
    assert isinstance(pages, KnnPages)
    with connection.execute_wrapper(wrapper):
        ids = [group.pk for group in pages[0:stop]]
    assert seen["one message"] == (connection.get_autocommit() and not connection.in_atomic_block)
    return ids, seen["plan"], seen["setting"]


def test_digital_preview_and_pages_read_the_partial_index_in_order(many_groups):
    query = SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1])
    digital = digital_groups(query)
    sql = str(digital.query)
    assert sql.endswith('ORDER BY "groups_group"."name" ASC, "groups_group"."id" ASC'), sql
    for sliced in (digital[:8], digital[20:40]):
        plan = sliced.explain()
        assert "Index Scan using groups_group_digital_name" in plan, plan
        assert "Sort" not in plan, plan
    themed = digital_groups(SearchQuery(themes=frozenset({many_groups[0].pk})))[:8]
    assert "groups_group_digital_name" in themed.explain()
    expected = sorted(
        Group.objects.public().filter(format=Group.Format.DIGITAL).values_list("name", "pk")
    )
    assert [g.pk for g in digital[:8]] == [pk for _name, pk in expected[:8]]


@pytest.mark.parametrize("themed", [False, True])
def test_knn_page_reads_the_gist_index_in_distance_order(many_groups, themed):
    themes = frozenset({many_groups[0].pk}) if themed else frozenset()
    query = SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1], radius_km=100, themes=themes)
    ids, plan, setting = _explain_page(query)
    assert setting == "off"
    assert "Index Scan using groups_group_earth_gist" in plan, plan
    assert "Order By:" in plan, plan
    assert "Bitmap" not in plan, plan
    assert len(ids) == 20
    # The same rows as the ORM's two-key order, which plans however it likes.
    assert ids == [g.pk for g in nearby_groups(query)[:20]]


def test_index_ordered_page_is_what_the_setting_changes(many_groups):
    """Without the setting this data set plans the slow shape (a bitmap scan of the
    box and a sort); with it, an index scan in distance order. So the other plan
    tests would notice if the finder stopped switching bitmap scans off."""
    query = SearchQuery(
        latitude=DRAMMEN[0],
        longitude=DRAMMEN[1],
        radius_km=100,
        themes=frozenset({many_groups[0].pk}),
    )
    sql, params = KnnPages(query).page_sql(0, 20)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        default_plan = "\n".join(row[0] for row in cursor.fetchall())
        with transaction.atomic():
            cursor.execute(BITMAP_SCANS_OFF)
            cursor.execute("EXPLAIN " + sql, params)
            ordered_plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
    assert "Index Scan using groups_group_earth_gist" in ordered_plan, ordered_plan
    assert "Bitmap" not in ordered_plan, ordered_plan
    if "Bitmap Heap Scan on groups_group" not in default_plan:
        # The planner's own choice follows the statistics of this small data
        # set; when it already reads in index order there is nothing to compare.
        pytest.skip("without the setting the planner chose index order here too")


def test_setting_does_not_leak_inside_an_enclosing_transaction(many_groups):
    """Tests (and any view under ``atomic()``) read pages inside a transaction."""
    assert connection.in_atomic_block
    assert _bitmap_scans() == "on"
    query = SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1], radius_km=100)
    _ids, _plan, setting = _explain_page(query)
    assert setting == "off"
    assert connection.in_atomic_block
    assert _bitmap_scans() == "on"
    # The enclosing transaction is intact: its work is still there and it goes on.
    assert Group.objects.filter(slug="plan-1").exists()


@pytest.mark.django_db(transaction=True)
def test_setting_does_not_leak_to_the_next_transaction(gazetteer, make_group):
    """In autocommit (as in a request), the page has a transaction of its own."""
    make_group("3301")
    make_group("3312")
    assert not connection.in_atomic_block
    query = SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1], radius_km=50)
    ids, _plan, setting = _explain_page(query)
    assert setting == "off"
    assert len(ids) == 2
    assert not connection.in_atomic_block
    assert _bitmap_scans() == "on"
    with transaction.atomic():
        assert _bitmap_scans() == "on"


def test_setting_is_undone_when_the_page_statement_fails(many_groups):
    assert _bitmap_scans() == "on"
    query = SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1])

    def fail(execute, sql, params, many, context):
        if "WITH TIES" in sql:
            raise RuntimeError("the database went away")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail), pytest.raises(RuntimeError):
        nearby_results(query)[0:20]  # type: ignore[index]
    assert _bitmap_scans() == "on"
    assert Group.objects.filter(slug="plan-1").exists()


def test_the_statement_is_built_once_per_filters_and_pages_and_fits_every_point(
    many_groups, monkeypatch
):
    """``KnnPages.page_sql`` keeps the statement's shape per filters and page: each
    search still reads the rows nearest its own point within its own radius."""
    monkeypatch.setattr(search, "_PAGE_SHAPES", {})
    built = []
    real = search._page_shape

    def counted(*args):
        built.append(args)
        return real(*args)

    monkeypatch.setattr(search, "_page_shape", counted)
    themes = frozenset({many_groups[1].pk})
    for lat, lon, radius in ((*DRAMMEN, 100), (58.5, 8.3, 25), (59.9, 9.0, 50), (58.0, 8.0, 5)):
        query = SearchQuery(latitude=lat, longitude=lon, radius_km=radius, themes=themes)
        assert KnnPages(query, ids_only=True)[0:20] == [g.pk for g in nearby_groups(query)[:20]]
    assert len(built) == 1, "one shape for one set of filters and one page"
    other = SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1], radius_km=100)
    assert KnnPages(other, ids_only=True)[0:20] == [g.pk for g in nearby_groups(other)[:20]]
    assert len(built) == 2, "other filters, another shape"


def test_the_list_without_a_place_walks_kommuner_and_their_groups_in_index_order(many_groups):
    """No sort of every in-person group: the kommuner in name order, each one's groups
    from its index in name order, stopping once the page is full."""
    query = SearchQuery(themes=frozenset({many_groups[0].pk}))
    sql, params = search._by_kommune_sql(query, 0, 21)
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(BITMAP_SCANS_OFF)
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert "places_kommune_name" in plan, plan
    assert "groups_group_kommune_name" in plan, plan
    assert "Seq Scan on groups_group" not in plan, plan
    pages = search.in_person_pages(query, reach=20)
    expected = search.in_person_groups_without_place(query).values_list("pk", flat=True)
    assert pages[0:20] == list(expected[:20])
