"""Small-number suppression for counts of people.

The rule (see docs/privacy.md, "Statistics for district offices"):

The threshold is one setting, ``SELVHJELP_SUPPRESS_BELOW`` (3); below, "3"
stands for it.

- Counts of people (members, attendance, interest registrations) are first
  summed in the database per *base cell*: the finest combination of every
  dimension a page can filter or group by (area kommune, theme, and state or
  month). A base cell with 1 or 2 people contributes **nothing** to any
  published number.
- A published number is the sum of the base cells with at least 3 people, so
  it is 0 or at least 3. Where it is 0 although someone is there, "<3" is shown.

Every number a page, CSV file or chart shows is a sum of whole base cells, so
the difference between any two of them (a county minus one of its kommuner, a
wider time range minus a narrower one, all themes minus one) is again a sum
of base cells of 0 or at least 3 people: differencing can never single out
one or two people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

PeopleCount = int | str


def threshold() -> int:
    """The smallest count of people a number may show (``SELVHJELP_SUPPRESS_BELOW``)."""
    return int(settings.SELVHJELP_SUPPRESS_BELOW)


def suppressed() -> str:
    """What a count of people below the threshold shows: "<3"."""
    return f"<{threshold()}"


def published_cell(count: int) -> int:
    """What one base cell contributes to a published number: itself, or 0 if small."""
    return count if count >= threshold() else 0


def people(*, published: int, raw: int) -> PeopleCount:
    """What to show for a people count: a number of at least 3, 0, or "<3"."""
    if published >= threshold():
        return published
    return suppressed() if raw > 0 else 0


def people_total(cells: Iterable[tuple[int, int]]) -> PeopleCount:
    """The shown total of several (published, raw) pairs."""
    published = raw = 0
    for cell_published, cell_raw in cells:
        published += cell_published
        raw += cell_raw
    return people(published=published, raw=raw)


def as_number(value: PeopleCount) -> int:
    """The height a chart draws for a shown value ("<3" draws nothing)."""
    return value if isinstance(value, int) else 0


def rollup(
    inner: QuerySet[Any],
    *,
    by: Sequence[str],
    sums: Sequence[str] = (),
    people_column: str | None = None,
) -> list[tuple[Any, ...]]:
    """Aggregate the base cells of ``inner`` by ``by``, in the database.

    ``inner`` is a ``values(...).annotate(...)`` query with one row per base
    cell whose columns carry explicit aliases. Each result row holds the
    ``by`` keys, then ``SUM`` of each of ``sums``, then (with
    ``people_column``) the published sum (base cells of 3 or more only) and
    the raw sum.
    """
    try:
        sql, params = inner.order_by().query.sql_with_params()
    except EmptyResultSet:
        return []  # e.g. a district office with no fylker yet
    quote = connection.ops.quote_name
    keys = ", ".join(f"t.{quote(key)}" for key in by)
    columns = [f"SUM(t.{quote(column)})" for column in sums]
    if people_column is not None:
        col = f"t.{quote(people_column)}"
        columns.append(f"SUM(CASE WHEN {col} >= {threshold():d} THEN {col} ELSE 0 END)")
        columns.append(f"SUM({col})")
    select = ", ".join([keys, *columns]) if keys else ", ".join(columns)
    group_by = f" GROUP BY {keys}" if keys else ""
    # Only aliases this module chose and the ORM's own SQL, with its parameters.
    query = f"SELECT {select} FROM ({sql}) t{group_by}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    n = len(by)
    return [(*row[:n], *(int(v or 0) for v in row[n:])) for row in rows]
