"""The finder's result cards: what a card shows, read by id in one plain statement.

A search decides which groups to list and returns their ids (``search``); the
cards of a results page, the nearby ones and the digital preview together,
are then read with one statement of the few columns a card shows. Through the
ORM, building that statement and its model instances cost more than running
it (about 2 ms of the finder's Python per page, ``docs/benchmarks.md``).

The statement keeps only groups anyone may see (``Group.State.ACTIVE``), so
a group that ended or was hidden after its id was read is left out rather
than shown. Nothing else about the search is repeated here: the ids already
satisfy its filters.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, models
from django.urls import get_script_prefix, reverse
from django.utils import translation

from places.models import Kommune

from . import search
from .models import Group, availability_of, cadence_text_of, public_status_of
from .selectors import ThemeChoice, theme_choices


@dataclass(frozen=True, slots=True)
class Card:
    """One group's card in the finder's results."""

    pk: int
    slug: str
    theme_name: str
    kommune_name: str
    area: str
    is_digital: bool
    state: str
    member_count: int
    capacity: int
    open_for_new_members: bool
    weekday: int
    start_time: datetime.time
    duration_minutes: int
    cadence: str
    custom_days: str
    latitude: float | None
    longitude: float | None
    # Metres from the searched point; only for the nearby groups of a place search.
    distance_m: float | None = None

    @property
    def public_status(self) -> str:
        return public_status_of(
            state=self.state,
            full=self.member_count >= self.capacity,
            open_for_new_members=self.open_for_new_members,
        )

    @property
    def availability_label(self) -> str:
        return str(availability_of(free_seats=max(0, self.capacity - self.member_count)).label)

    @property
    def cadence_text(self) -> str:
        return cadence_text_of(
            cadence=self.cadence,
            weekday=self.weekday,
            custom_days=self.custom_days,
            start_time=self.start_time,
            duration_minutes=self.duration_minutes,
        )

    def get_absolute_url(self) -> str:
        return detail_url(self.slug)


# A slug is letters, digits, hyphens and underscores; this never is one.
_SLUG_MARK = "0-0-slug-0-0"


@functools.lru_cache(maxsize=16)
def _detail_url_pattern(language: str | None, script_prefix: str) -> str:
    return reverse("groups:detail", kwargs={"slug": _SLUG_MARK})


def detail_url(slug: str) -> str:
    """``Group.get_absolute_url`` for a slug, without resolving the URL pattern each time."""
    pattern = _detail_url_pattern(translation.get_language(), get_script_prefix())
    return pattern.replace(_SLUG_MARK, slug)


_FIELDS = (
    "id",
    "slug",
    "theme_id",
    "area",
    "format",
    "state",
    "member_count",
    "capacity",
    "open_for_new_members",
    "weekday",
    "start_time",
    "duration_minutes",
    "cadence",
    "custom_days",
    "latitude",
    "longitude",
)


@functools.cache
def _select() -> str:
    """The statement up to the list of ids, from the models' own names."""
    qn = connection.ops.quote_name

    def column(alias: str, model: type[models.Model], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        return f"{alias}.{qn(field.column)}"

    def group(name: str) -> str:
        return column("g", Group, name)

    states = ", ".join(["%s"] * len(Group.State.ACTIVE))
    return (
        f"SELECT {', '.join(group(name) for name in _FIELDS)}, "  # noqa: S608
        f"{column('k', Kommune, 'name')} "
        f"FROM {qn(Group._meta.db_table)} g LEFT JOIN {qn(Kommune._meta.db_table)} k "
        f"ON {column('k', Kommune, 'id')} = {group('kommune')} "
        f"WHERE {group('state')} IN ({states}) AND {group('id')} IN "
    )


def _time(value: datetime.time | str) -> datetime.time:
    # SQLite hands over a time as text.
    return value if isinstance(value, datetime.time) else datetime.time.fromisoformat(value)


def read(
    ids: Iterable[int],
    *,
    near: tuple[float, float] | None = None,
    near_ids: Sequence[int] = (),
    themes: Iterable[ThemeChoice] | None = None,
) -> dict[int, Card]:
    """The cards of ``ids`` that anyone may see, by id; one statement, none for no ids.

    ``near``: the searched point; the cards of ``near_ids`` get their distance from it.
    ``themes``: the theme choices when the caller has them (``selectors.theme_choices``).
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    sql = _select() + "(" + ", ".join(["%s"] * len(wanted)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(str(state) for state in Group.State.ACTIVE), *wanted])
        rows = cursor.fetchall()
    measured = set(near_ids) if near is not None else set()
    theme_names = {choice.pk: choice.name for choice in themes or theme_choices()}
    cards = {}
    for (
        pk,
        slug,
        theme_id,
        area,
        format_,
        state,
        member_count,
        capacity,
        open_,
        weekday,
        start_time,
        duration,
        cadence,
        custom_days,
        lat,
        lon,
        kommune_name,
    ) in rows:
        distance = None
        if pk in measured and lat is not None and lon is not None:
            assert near is not None
            distance = search.great_circle_m(near[0], near[1], lat, lon)
        cards[pk] = Card(
            pk=pk,
            slug=slug,
            theme_name=theme_names.get(theme_id, ""),
            kommune_name=kommune_name or "",
            area=area,
            is_digital=format_ == Group.Format.DIGITAL,
            state=state,
            member_count=member_count,
            capacity=capacity,
            open_for_new_members=bool(open_),
            weekday=weekday,
            start_time=_time(start_time),
            duration_minutes=duration,
            cadence=cadence,
            custom_days=custom_days,
            latitude=lat,
            longitude=lon,
            distance_m=distance,
        )
    return cards
