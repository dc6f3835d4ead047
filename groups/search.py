"""Finding groups near a point, nearest first, on PostgreSQL and SQLite.

PostgreSQL uses the ``cube``/``earthdistance`` extensions: a GiST index on
``ll_to_earth(latitude, longitude)`` serves both the radius filter
(``earth_box … @>``) and the nearest-first order (``<->``, an exact K-nearest-
neighbour order because the chord distance grows with the great-circle
distance). SQLite filters on a latitude/longitude bounding box (indexed) and
computes the exact great-circle distance with a registered SQL function.

Both report the same distance: a great circle on earthdistance's sphere.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.db.models import FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.dispatch import receiver

from core import caching
from places.models import Kommune

from .models import Group, PublicStatus, public_status_q

# earthdistance's earth() radius in metres, used on SQLite too so both agree.
EARTH_RADIUS_M = 6378168.0
RADIUS_CHOICES_KM = (5, 10, 25, 50, 100)
DEFAULT_RADIUS_KM = 25

TIME_OF_DAY = {
    "morning": (0, 12),
    "afternoon": (12, 17),
    "evening": (17, 24),
}


class Status:
    """The statuses a seeker can filter on (values of ``PublicStatus``)."""

    OPEN = PublicStatus.OPEN.value
    STARTING_SOON = PublicStatus.STARTING_SOON.value
    WAITING_LIST = PublicStatus.WAITING_LIST.value
    FILTERABLE = (OPEN, STARTING_SOON, WAITING_LIST)


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in metres on earthdistance's sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _sqlite_distance(
    lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None
) -> float | None:
    if None in (lat1, lon1, lat2, lon2):
        return None
    return great_circle_m(lat1, lon1, lat2, lon2)  # type: ignore[arg-type]


@receiver(connection_created)
def _register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "selvhjelp_distance_m", 4, _sqlite_distance, deterministic=True
        )


@dataclass(frozen=True)
class SearchQuery:
    """A validated search (see ``forms.GroupSearchForm``)."""

    latitude: float | None = None
    longitude: float | None = None
    radius_km: int = DEFAULT_RADIUS_KM
    themes: frozenset[int] = field(default_factory=frozenset)
    weekdays: frozenset[int] = field(default_factory=frozenset)
    times: frozenset[str] = field(default_factory=frozenset)
    formats: frozenset[str] = field(default_factory=frozenset)
    statuses: frozenset[str] = field(default_factory=frozenset)

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def wants_in_person(self) -> bool:
        return not self.formats or Group.Format.IN_PERSON in self.formats

    @property
    def wants_digital(self) -> bool:
        return not self.formats or Group.Format.DIGITAL in self.formats


# What a ``Group`` read by the search brings along (``groups_by_id``); the finder and
# the API read ids only and their cards or listings in ``cards.read``.
RELATED = ("theme", "kommune__fylke", "contact_point")


def _filtered(query: SearchQuery) -> QuerySet[Group]:
    qs = Group.objects.public().select_related(*RELATED)
    if query.themes:
        qs = qs.filter(theme_id__in=query.themes)
    if query.weekdays:
        qs = qs.filter(weekday__in=query.weekdays)
    if query.times:
        when = Q(pk__in=[])
        for name in query.times:
            start, end = TIME_OF_DAY[name]
            when |= Q(start_time__hour__gte=start, start_time__hour__lt=end)
        qs = qs.filter(when)
    if query.statuses:
        qs = qs.filter(public_status_q(query.statuses))
    return qs


def _point_bounds(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(180.0, dlat / cos_lat)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


_TABLE = Group._meta.db_table


def nearby_groups(query: SearchQuery) -> QuerySet[Group]:
    """In-person groups within the radius, nearest first, with ``distance_m``.

    Ties are broken by primary key, so both databases give the same order.
    """
    assert query.has_point
    lat, lon = float(query.latitude), float(query.longitude)  # type: ignore[arg-type]
    radius_m = query.radius_km * 1000.0
    qs = _filtered(query).filter(format=Group.Format.IN_PERSON)
    if connection.vendor == "postgresql":
        here = "ll_to_earth(%s, %s)"
        there = f'll_to_earth("{_TABLE}"."latitude", "{_TABLE}"."longitude")'
        # Only constant SQL around bound parameters; the ORM has no earth_box.
        qs = qs.extra(  # noqa: S610
            where=[
                f"earth_box({here}, %s) @> {there}",
                f"earth_distance({here}, {there}) <= %s",
            ],
            params=[lat, lon, radius_m, lat, lon, radius_m],
        )
        distance = RawSQL(f"earth_distance({here}, {there})", (lat, lon), FloatField())  # noqa: S611
        # ``Group.distance_m`` is a plain attribute the annotation fills in.
        nearest_first = RawSQL(f"{there} <-> {here}", (lat, lon))  # noqa: S611
        qs = qs.annotate(**{"distance_m": distance}).order_by(nearest_first.asc(), "pk")
    else:
        south, north, west, east = _point_bounds(lat, lon, radius_m)
        distance = RawSQL(  # noqa: S611
            f'selvhjelp_distance_m(%s, %s, "{_TABLE}"."latitude", "{_TABLE}"."longitude")',
            (lat, lon),
            FloatField(),
        )
        qs = (
            qs.filter(
                latitude__gte=south,
                latitude__lte=north,
                longitude__gte=west,
                longitude__lte=east,
            )
            .annotate(**{"distance_m": distance})
            .filter(**{"distance_m__lte": radius_m})  # type: ignore[misc]
            .order_by("distance_m", "pk")
        )
    return qs


# A list without a place (the digital groups, or filters alone) lists at most this
# many groups: fifty pages of 20.
LIST_CAP = 1000
# A place search lists at most this many groups, nearest first: five pages of 20.
NEAR_CAP = 100


class KnnPages:
    """The nearby groups for a paginator: at most ``NEAR_CAP``, fast at any size.

    One statement reads the ids of the groups up to the end of the page asked
    for, nearest first, and one more (``reach + 1``): it is both the page and
    the count, so a search sends no separate count. The count is exact when
    the radius holds no more than that; otherwise it is one more than the
    page reaches, so the paginator offers a next page, and ``capped`` says the
    total is unknown. Counting every group within 100 km of Oslo is what costs
    at a million groups, reading a hundred to show twenty costs too, and a
    seeker who has not found a group among the nearest hundred is better
    helped by a filter than by page 51.

    On PostgreSQL ``ORDER BY distance, id`` has two keys, so it cannot be
    taken from the GiST index and would sort every group in the radius. Here
    the index orders by distance alone, ``FETCH FIRST n ROWS WITH TIES`` keeps
    every group tied at the edge, and the outer query breaks ties by id: the
    same rows in the same order as the two-key query, read from the index
    (with bitmap scans off for that statement, see ``read_in_index_order``).
    SQLite reads the ids from the ordered queryset.
    """

    cap = NEAR_CAP

    def __init__(
        self, query: SearchQuery, *, ids_only: bool = False, reach: int = NEAR_CAP
    ) -> None:
        self.query = query
        # Pages of ids rather than groups: the finder reads its cards itself (``cards``).
        self.ids_only = ids_only
        # How far the page asked for reaches (page number × page size), at most NEAR_CAP.
        self.reach = max(1, min(reach, NEAR_CAP))
        self._ids: list[int] | None = None

    @functools.cached_property
    def queryset(self) -> QuerySet[Group]:
        """The groups in the radius as a queryset: built only where it is read (SQLite,
        and the shape of the statement in ``page_sql``)."""
        return nearby_groups(self.query)

    def _first_ids(self) -> list[int]:
        if self._ids is None:
            self._ids = self._read_ids(0, self.reach + 1)
        return self._ids

    def _read_ids(self, start: int, stop: int) -> list[int]:
        if connection.vendor == "postgresql":
            return read_in_index_order(*self.page_sql(start, stop))
        return list(self.queryset.values_list("pk", flat=True)[start:stop])

    @property
    def capped(self) -> bool:
        """More groups in the radius than were read: the total is not known."""
        return len(self._first_ids()) > self.reach

    def count(self) -> int:
        """Exact when not ``capped``; else one past the reach, for a next page (up to the cap)."""
        return min(len(self._first_ids()), NEAR_CAP)

    def __len__(self) -> int:
        return self.count()

    def page_sql(self, start: int, stop: int) -> tuple[str, tuple[Any, ...]]:
        """The statement of the ids of rows ``start:stop``, nearest first, ties by id.

        Its text depends only on the filters and the page; the point and the
        radius are parameters. So the ORM builds it once per filters and page
        in each process (``_page_shape``), with marker values where the point
        and the radius go, and a search puts its own values in their place:
        building it took a millisecond of every search.
        """
        lat, lon = float(self.query.latitude), float(self.query.longitude)  # type: ignore[arg-type]
        key = (connection.alias, _filters_key(self.query), start, stop)
        shape = _PAGE_SHAPES.get(key)
        if shape is None:
            shape = _page_shape(self.query, start, stop)
            if len(_PAGE_SHAPES) >= PAGE_SHAPES_KEPT:
                _PAGE_SHAPES.clear()
            _PAGE_SHAPES[key] = shape
        sql, params = shape
        values = {_AT_LAT: lat, _AT_LON: lon, _AT_RADIUS_M: self.query.radius_km * 1000.0}
        return sql, tuple(
            values.get(value, value) if type(value) is float else value for value in params
        )

    def __getitem__(self, key: slice) -> list[Any]:
        assert isinstance(key, slice) and key.step is None
        start, stop = key.start or 0, min(key.stop or 0, NEAR_CAP)
        if stop <= start:
            return []
        ids = self._first_ids()[start:stop]
        if self.ids_only:
            return ids
        lat, lon = float(self.query.latitude), float(self.query.longitude)  # type: ignore[arg-type]
        groups = groups_by_id(ids, near=(lat, lon), near_ids=ids)
        return [groups[pk] for pk in ids if pk in groups]


# Marker values for the point and the radius in a statement's shape: outside any
# real search (a latitude of -1000). The filters' values are whole numbers and
# words, so a float among the parameters is the point or the radius.
_AT_LAT, _AT_LON, _AT_RADIUS_KM = -1000.25, -2000.25, -3001
_AT_RADIUS_M = _AT_RADIUS_KM * 1000.0
_PAGE_SHAPES: dict[tuple[str, str, int, int], tuple[str, tuple[Any, ...]]] = {}
# Filters × pages seen by a process; past this many the shapes are built again.
PAGE_SHAPES_KEPT = 512


def _page_shape(query: SearchQuery, start: int, stop: int) -> tuple[str, tuple[Any, ...]]:
    """``KnnPages.page_sql`` for ``query``'s filters, with the markers as point and radius."""
    marked = dataclasses.replace(
        query, latitude=_AT_LAT, longitude=_AT_LON, radius_km=_AT_RADIUS_KM
    )
    there = f'll_to_earth("{_TABLE}"."latitude", "{_TABLE}"."longitude")'
    nearest_first = RawSQL(f"{there} <-> ll_to_earth(%s, %s)", (_AT_LAT, _AT_LON))  # noqa: S611
    inner = (
        nearby_groups(marked)
        .order_by()
        .annotate(knn=nearest_first)
        .order_by(nearest_first.asc())
        .values("pk", "knn")
    )
    sql, params = inner.query.sql_with_params()
    page_sql = (
        f"SELECT page.pk FROM ({sql} FETCH FIRST {int(stop)} ROWS WITH TIES) AS page "  # noqa: S608
        f"ORDER BY page.knn, page.pk OFFSET {int(start)} LIMIT {int(stop - start)}"
    )
    # The point and the radius are parameters, never part of the text.
    assert not any(str(marker) in page_sql for marker in (_AT_LAT, _AT_LON, _AT_RADIUS_M))
    return page_sql, tuple(params)


def groups_by_id(
    ids: Iterable[int],
    *,
    near: tuple[float, float] | None = None,
    near_ids: Iterable[int] = (),
) -> dict[int, Group]:
    """The groups of ``ids`` that anyone may see, by id, with ``RELATED`` loaded.

    The ids come from a search, so its filters are not repeated; only groups
    that stopped being public since are left out. ``near``: the searched point;
    the groups of ``near_ids`` get their ``distance_m`` from it.
    """
    groups = Group.objects.public().select_related(*RELATED).in_bulk(list(ids))
    if near is not None:
        for pk in near_ids:
            group = groups.get(pk)
            if group is not None and group.latitude is not None and group.longitude is not None:
                group.distance_m = great_circle_m(near[0], near[1], group.latitude, group.longitude)
    return groups


# The planner estimates ``cube <@ box`` at a constant 0.1 % of the table whatever the
# radius, so with a theme or status filter it expects a few dozen rows, takes a bitmap
# scan of the whole box and sorts it (hundreds of ms at 1M groups) instead of reading
# the first rows from the GiST index in distance order (about 1 ms).
BITMAP_SCANS_OFF = "SET LOCAL enable_bitmapscan = off"


def read_in_index_order(sql: str, params: tuple[Any, ...]) -> list[Any]:
    """The first column of a nearest-first statement, with bitmap scans off for it alone.

    ``SET LOCAL`` lasts until the end of the transaction. In autocommit (a
    request) the setting and the statement go to the server as one message of
    two statements, which PostgreSQL runs as one implicit transaction: one
    round trip, and the setting ends with it. Inside a transaction (tests, or
    a caller's ``atomic()``) the statement runs in its own ``atomic()`` block
    that is rolled back afterwards (it only reads), which rolls back to the
    block's savepoint and undoes the setting too. Either way, the next query
    on the connection plans with bitmap scans as before.
    """
    if connection.get_autocommit() and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # Two statements in one message need client-side binding (Django's default
            # with psycopg 3); with server-side binding, the transaction below.
            if isinstance(cursor.cursor, psycopg.ClientCursor):
                cursor.execute(f"{BITMAP_SCANS_OFF}; {sql}", params)
                cursor.nextset()
                return [row[0] for row in cursor.fetchall()]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BITMAP_SCANS_OFF)
        cursor.execute(sql, params)
        rows = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return rows


def nearby_results(
    query: SearchQuery, *, ids_only: bool = False, reach: int = NEAR_CAP
) -> KnnPages:
    """What the finder paginates: the nearest groups up to ``reach`` (at most ``NEAR_CAP``)."""
    return KnnPages(query, ids_only=ids_only, reach=reach)


class ListPages:
    """A list without a place for a paginator, read like ``KnnPages``: the ids up to the
    end of the page asked for and one more, in the list's order, and no count past them
    (``capped``: the page says «Side 2», not «Side 2 av 50»).

    Counting every match to number the pages took longer than reading them
    (tens of milliseconds at 100k groups), and the in-person list without a
    place sorted every match by kommune. ``read``: a statement of the ids of
    rows ``start:stop``; by default the queryset's own order.
    """

    cap = LIST_CAP

    def __init__(
        self,
        queryset: QuerySet[Group],
        *,
        reach: int,
        read: Callable[[int, int], list[int]] | None = None,
        cache_key: str | None = None,
    ) -> None:
        self.queryset = queryset
        self.reach = max(1, min(reach, LIST_CAP))
        self._read = read or self._read_ordered
        self._cache_key = cache_key
        self._ids: list[int] | None = None

    def _read_ordered(self, start: int, stop: int) -> list[int]:
        return list(self.queryset.values_list("pk", flat=True)[start:stop])

    def _first_ids(self) -> list[int]:
        if self._ids is None:
            stop = self.reach + 1
            if self._cache_key is None:
                self._ids = self._read(0, stop)
            else:
                self._ids = self._kept(self._cache_key, stop)
        return self._ids

    def _kept(self, key: str, stop: int) -> list[int]:
        """The first ``stop`` ids from the cache, which keeps the furthest read of the list
        with how far it went (a page 2 serves page 1 too); read further when asked past it
        and the list may go on."""
        read_to, ids = caching.remembered(key, lambda: (stop, self._read(0, stop)), LIST_SECONDS)
        if stop > read_to and len(ids) == read_to:
            ids = self._read(0, stop)
            caching.keep(key, (stop, ids), LIST_SECONDS)
        return [int(pk) for pk in ids[:stop]]

    @property
    def capped(self) -> bool:
        """More groups than were read: the total is not known."""
        return len(self._first_ids()) > self.reach

    def count(self) -> int:
        return min(len(self._first_ids()), LIST_CAP)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[int]:
        assert isinstance(key, slice) and key.step is None
        start, stop = key.start or 0, min(key.stop or 0, LIST_CAP)
        return self._first_ids()[start:stop] if stop > start else []


# A list without a place is the same for everyone with the same filters: its ids, as
# far as a page has read them, are cached per set of filters for a minute, like the
# digital preview (no place and no position in the key). A group that stops being
# public within the minute is left out when its card is read; a new one shows within
# the minute.
LIST_SECONDS = 60


def digital_pages(query: SearchQuery, *, reach: int) -> ListPages:
    """The digital groups by name, read from the name index as far as ``reach`` and one more."""
    key = "groups:list-digital:" + _filters_key(query)
    return ListPages(digital_groups(query), reach=reach, cache_key=key)


def in_person_pages(query: SearchQuery, *, reach: int) -> ListPages:
    """The in-person groups without a place, by kommune, name and id, as far as ``reach``
    and one more.

    On PostgreSQL the kommuner are walked in name order (``places_kommune_name``)
    and each gives its first groups by name (``groups_group_kommune_name``):
    the database stops after the kommuner that fill the page, where ``ORDER BY`` over
    the whole table sorted every in-person group that matched.
    """
    queryset = in_person_groups_without_place(query)
    key = "groups:list-in-person:" + _filters_key(query)
    if connection.vendor != "postgresql":
        return ListPages(queryset, reach=reach, cache_key=key)

    def read(start: int, stop: int) -> list[int]:
        return read_in_index_order(*_by_kommune_sql(query, start, stop))

    return ListPages(queryset, reach=reach, read=read, cache_key=key)


def _by_kommune_sql(query: SearchQuery, start: int, stop: int) -> tuple[str, tuple[Any, ...]]:
    """The ids of rows ``start:stop`` of the in-person list without a place."""
    qn = connection.ops.quote_name
    kommune = Group._meta.get_field("kommune")
    inner = (
        _filtered(query)
        .filter(format=Group.Format.IN_PERSON)
        # Only constant SQL: the group's kommune is the outer row's.
        .extra(where=[f"{qn(_TABLE)}.{qn(kommune.column)} = k.id"])  # noqa: S610
        .order_by("name", "pk")
        .values("pk", "name")
    )
    sql, params = inner.query.sql_with_params()
    kommuner = qn(Kommune._meta.db_table)
    return (
        f"SELECT page.pk FROM {kommuner} k "  # noqa: S608
        f"CROSS JOIN LATERAL ({sql} LIMIT {int(stop)}) AS page "
        f"ORDER BY k.name, page.name, page.pk OFFSET {int(start)} LIMIT {int(stop - start)}",
        tuple(params),
    )


DIGITAL_SECONDS = 60
# The link under the digital preview beside a place search counts this far:
# «see all 37 digital groups», or «see more than 50».
DIGITAL_LINK_CAP = 50


def digital_first_ids(query: SearchQuery) -> list[int]:
    """The ids of the first ``DIGITAL_LINK_CAP + 1`` digital groups by name.

    Beside a place search: the first few are the preview, and how many there
    are is the link's number (more than ``DIGITAL_LINK_CAP`` when all were
    read), from one statement that reads the name index only that far.

    They do not depend on the place, so they are cached per set of filters for
    a minute in the shared cache: no position goes into the key. A group that
    stops being public within the minute is left out when its card is read
    (``cards.read``); a new one shows within the minute.
    """
    key = "groups:digital-first:" + _filters_key(query)
    ids = caching.remembered(
        key,
        lambda: list(digital_groups(query).values_list("pk", flat=True)[: DIGITAL_LINK_CAP + 1]),
        DIGITAL_SECONDS,
    )
    return [int(pk) for pk in ids]


def _filters_key(query: SearchQuery) -> str:
    """The search's filters as a cache key: no place, no position."""
    return ":".join(
        ",".join(sorted(str(value) for value in values))
        for values in (query.themes, query.weekdays, query.times, query.statuses)
    )


def digital_groups(query: SearchQuery) -> QuerySet[Group]:
    """Digital groups, which are listed wherever the seeker is.

    Ordered by ``name, id`` to match the partial index ``groups_group_digital_name``
    (``(name, id) WHERE format = 'digital'``), so a preview reads its first rows
    from the index instead of sorting every public digital group.
    """
    return _filtered(query).filter(format=Group.Format.DIGITAL).order_by("name", "pk")


def in_person_groups_without_place(query: SearchQuery) -> QuerySet[Group]:
    return (
        _filtered(query)
        .filter(format=Group.Format.IN_PERSON)
        .order_by("kommune__name", "name", "pk")
    )
