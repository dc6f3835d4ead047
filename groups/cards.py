"""What a search lists about each group, read by id in one plain statement.

A search decides which groups to list and returns their ids (``search``); the
groups of a results page, the nearby ones and the digital preview together,
are then read with one statement: the few columns a finder's card shows
(``Card``), or with ``full`` also what the API says (``Listing``: name,
description, theme, kommune and fylke, contact point). Through the ORM,
building that statement and its model instances cost more than running it
(about 2 ms of the finder's Python per page and 3 ms of the API's,
``docs/benchmarks.md``).

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
from typing import Any

from django.db import connection, models
from django.urls import get_script_prefix, reverse
from django.utils import translation

from organisations.models import ContactPoint
from places.models import Fylke, Kommune

from . import search
from .models import (
    Availability,
    Group,
    Theme,
    WeeklySchedule,
    availability_of,
    public_status_of,
)
from .selectors import ThemeChoice, theme_choices


@dataclass(frozen=True, slots=True)
class Card(WeeklySchedule):
    """One group's card in the finder's results (its schedule in words from
    ``WeeklySchedule``, as the group's own page has it)."""

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
    def availability(self) -> Availability:
        return availability_of(free_seats=max(0, self.capacity - self.member_count))

    @property
    def availability_label(self) -> str:
        return str(self.availability.label)

    def get_absolute_url(self) -> str:
        return detail_url(self.slug)

    @classmethod
    def of_group(cls, group: Group, *, distance_m: float | None = None) -> Card:
        return cls(
            pk=group.pk,
            slug=group.slug,
            theme_name=group.theme.name,
            kommune_name=group.kommune.name if group.kommune else "",
            area=group.area,
            is_digital=group.is_digital,
            state=group.state,
            member_count=group.member_count,
            capacity=group.capacity,
            open_for_new_members=group.open_for_new_members,
            weekday=group.weekday,
            start_time=group.start_time,
            duration_minutes=group.duration_minutes,
            cadence=group.cadence,
            custom_days=group.custom_days,
            latitude=group.latitude,
            longitude=group.longitude,
            distance_m=distance_m,
        )


@dataclass(frozen=True, slots=True)
class Listing:
    """What the API says about a group: its card and the rest of its public facts."""

    card: Card
    name: str
    description: str
    language: str
    age_min: int
    age_max: int | None
    theme_slug: str
    theme_mixed: bool
    kommune_number: str
    fylke_name: str
    contact_name: str
    contact_kind: str
    contact_phone: str
    contact_email: str

    @classmethod
    def of_group(cls, group: Group, *, distance_m: float | None = None) -> Listing:
        contact_point = group.contact_point
        return cls(
            card=Card.of_group(group, distance_m=distance_m),
            name=group.name,
            description=group.description,
            language=group.language,
            age_min=group.age_min,
            age_max=group.age_max,
            theme_slug=group.theme.slug,
            theme_mixed=group.theme.is_mixed,
            kommune_number=group.kommune.number if group.kommune else "",
            fylke_name=group.kommune.fylke.name if group.kommune else "",
            contact_name=contact_point.name,
            contact_kind=contact_point.kind,
            contact_phone=contact_point.public_phone,
            contact_email=contact_point.public_email,
        )


# A slug is letters, digits, hyphens and underscores; no URL prefix holds this one.
SLUG_MARK = "0-0-slug-0-0"


@functools.lru_cache(maxsize=16)
def _detail_url_pattern(language: str | None, script_prefix: str) -> str:
    return reverse("groups:detail", kwargs={"slug": SLUG_MARK})


def detail_url(slug: str) -> str:
    """``Group.get_absolute_url`` for a slug, without resolving the URL pattern each time."""
    pattern = _detail_url_pattern(translation.get_language(), get_script_prefix())
    return pattern.replace(SLUG_MARK, slug)


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


# What ``Listing`` adds: (alias, model, field) of the joined tables.
_FULL_COLUMNS = (
    ("g", Group, "name"),
    ("g", Group, "description"),
    ("g", Group, "language"),
    ("g", Group, "age_min"),
    ("g", Group, "age_max"),
    ("t", Theme, "slug"),
    ("t", Theme, "is_mixed"),
    ("k", Kommune, "number"),
    ("f", Fylke, "name"),
    ("c", ContactPoint, "name"),
    ("c", ContactPoint, "kind"),
    ("c", ContactPoint, "public_phone"),
    ("c", ContactPoint, "public_email"),
)


@functools.cache
def _select(full: bool) -> str:
    """The statement up to the list of ids, from the models' own names."""
    qn = connection.ops.quote_name

    def column(alias: str, model: type[models.Model], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        return f"{alias}.{qn(field.column)}"

    def group(name: str) -> str:
        return column("g", Group, name)

    def join(alias: str, model: type[models.Model], on: str) -> str:
        return (
            f"LEFT JOIN {qn(model._meta.db_table)} {alias} ON {column(alias, model, 'id')} = {on} "
        )

    columns = [group(name) for name in _FIELDS] + [column("k", Kommune, "name")]
    joins = join("k", Kommune, group("kommune"))
    if full:
        columns += [column(*spec) for spec in _FULL_COLUMNS]
        joins += (
            join("t", Theme, group("theme"))
            + join("f", Fylke, column("k", Kommune, "fylke"))
            + join("c", ContactPoint, group("contact_point"))
        )
    states = ", ".join(["%s"] * len(Group.State.ACTIVE))
    return (
        f"SELECT {', '.join(columns)} FROM {qn(Group._meta.db_table)} g {joins}"  # noqa: S608
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
    full: bool = False,
) -> dict[int, Any]:
    """The cards (``full``: listings) of ``ids`` that anyone may see, by id; one
    statement, none for no ids.

    ``near``: the searched point; the groups of ``near_ids`` get their distance from it.
    ``themes``: the theme choices when the caller has them (``selectors.theme_choices``).
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    sql = _select(full) + "(" + ", ".join(["%s"] * len(wanted)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(str(state) for state in Group.State.ACTIVE), *wanted])
        rows = cursor.fetchall()
    measured = set(near_ids) if near is not None else set()
    theme_names = {choice.pk: choice.name for choice in themes or theme_choices()}
    found: dict[int, Any] = {}
    width = len(_FIELDS) + 1
    for row in rows:
        (
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
        ) = row[:width]
        distance = None
        if pk in measured and lat is not None and lon is not None:
            assert near is not None
            distance = search.great_circle_m(near[0], near[1], lat, lon)
        card = Card(
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
        if not full:
            found[pk] = card
            continue
        (
            name,
            description,
            language,
            age_min,
            age_max,
            theme_slug,
            theme_mixed,
            kommune_number,
            fylke_name,
            contact_name,
            contact_kind,
            contact_phone,
            contact_email,
        ) = row[width:]
        found[pk] = Listing(
            card=card,
            name=name,
            description=description,
            language=language,
            age_min=age_min,
            age_max=age_max,
            theme_slug=theme_slug,
            theme_mixed=bool(theme_mixed),
            kommune_number=kommune_number or "",
            fylke_name=fylke_name or "",
            contact_name=contact_name,
            contact_kind=contact_kind,
            contact_phone=contact_phone,
            contact_email=contact_email,
        )
    return found
