"""What a search lists about each group, read by id in one plain statement.

A search decides which groups to list and returns their ids (``search``); the
groups of a results page, the nearby ones and the digital preview together,
are then read with one statement: the few columns a finder's card shows
(``Card``), or with ``full`` also what the API says (``Listing``: name,
description, theme, kommune and fylke, contact point). Through the ORM,
building that statement and its model instances cost more than running it
(about 2 ms of the finder's Python per page and 3 ms of the API's,
``docs/benchmarks.md``). The statement reads the groups' table alone: the
theme, kommune, fylke and contact point a group names come from small
tables kept in the process (the theme choices, ``_facts``), since planning a
join of five tables took longer than running it.

The statement keeps only groups anyone may see (``Group.State.ACTIVE``), so
a group that ended or was hidden after its id was read is left out rather
than shown. Nothing else about the search is repeated here: the ids already
satisfy its filters.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models
from django.urls import get_script_prefix, reverse
from django.utils import translation

from core import caching
from organisations.models import ContactPoint
from places.models import Kommune

from . import search
from .models import (
    Availability,
    Group,
    WeeklySchedule,
    availability_of,
    public_status_of,
)
from .selectors import ThemeChoice, theme_choices

T = TypeVar("T")


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
    "kommune",
)


# What ``Listing`` adds from the group's own row; its theme, kommune, fylke and
# contact point come from the small tables kept in the process (``_facts``).
_FULL_FIELDS = ("name", "description", "language", "age_min", "age_max", "contact_point")


@functools.cache
def _select(full: bool) -> str:
    """The statement up to the list of ids, from the model's own names: the group's
    table alone, so the database plans it in a fraction of the time a five-table
    join takes."""
    qn = connection.ops.quote_name

    def column(name: str) -> str:
        field = Group._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        return qn(field.column)

    names = _FIELDS + _FULL_FIELDS if full else _FIELDS
    states = ", ".join(["%s"] * len(Group.State.ACTIVE))
    return (
        f"SELECT {', '.join(column(name) for name in names)} "  # noqa: S608
        f"FROM {qn(Group._meta.db_table)} WHERE {column('state')} IN ({states}) AND "
        f"{column('id')} IN "
    )


# The reference rows a card or a listing names, kept like the theme choices
# (``core.caching``): kommune id → (name, number, fylke's name); contact point id →
# (name, kind, public phone, public e-mail). Saving or deleting one drops them
# (``facts_forget``, connected in ``apps.py``); an id they do not know (a row made
# without a signal) reads them afresh.
KOMMUNER_CACHE_KEY = "groups:card-kommuner:v1"
CONTACT_POINTS_CACHE_KEY = "groups:card-contact-points:v1"
FACTS_CACHE_SECONDS = 10 * 60


def _kommuner() -> dict[int, tuple[str, str, str]]:
    return {
        pk: (name, number, fylke or "")
        for pk, name, number, fylke in Kommune.objects.values_list(
            "pk", "name", "number", "fylke__name"
        )
    }


def _contact_points() -> dict[int, tuple[str, str, str, str]]:
    return {
        pk: (name, kind, phone, email)
        for pk, name, kind, phone, email in ContactPoint.objects.values_list(
            "pk", "name", "kind", "public_phone", "public_email"
        )
    }


_NO_KOMMUNE = ("", "", "")
_NO_CONTACT_POINT = ("", "", "", "")


def _facts(
    key: str, load: Callable[[], dict[int, T]], wanted: Iterable[int | None]
) -> dict[int, T]:
    facts = caching.remembered(key, load, FACTS_CACHE_SECONDS)
    if any(pk is not None and pk not in facts for pk in wanted):
        caching.forget(key)
        facts = caching.remembered(key, load, FACTS_CACHE_SECONDS)
    return facts


def facts_forget(**kwargs: object) -> None:
    """Drop the kept kommuner and contact points (``core.caching.forget``)."""
    caching.forget(KOMMUNER_CACHE_KEY)
    caching.forget(CONTACT_POINTS_CACHE_KEY)


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
    choices = list(themes or theme_choices())
    theme_names = {choice.pk: choice.name for choice in choices}
    width = len(_FIELDS)
    kommuner = _facts(KOMMUNER_CACHE_KEY, _kommuner, (row[width - 1] for row in rows))
    contact_points: dict[int, tuple[str, str, str, str]] = {}
    if full:
        theme_facts = {choice.pk: choice for choice in choices}
        contact_points = _facts(
            CONTACT_POINTS_CACHE_KEY, _contact_points, (row[-1] for row in rows)
        )
    found: dict[int, Any] = {}
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
            kommune_id,
        ) = row[:width]
        kommune = kommuner.get(kommune_id, _NO_KOMMUNE) if kommune_id is not None else _NO_KOMMUNE
        distance = None
        if pk in measured and lat is not None and lon is not None:
            assert near is not None
            distance = search.great_circle_m(near[0], near[1], lat, lon)
        card = Card(
            pk=pk,
            slug=slug,
            theme_name=theme_names.get(theme_id, ""),
            kommune_name=kommune[0],
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
        name, description, language, age_min, age_max, contact_point_id = row[width:]
        theme = theme_facts.get(theme_id)
        contact = contact_points.get(contact_point_id, _NO_CONTACT_POINT)
        found[pk] = Listing(
            card=card,
            name=name,
            description=description,
            language=language,
            age_min=age_min,
            age_max=age_max,
            theme_slug=theme.slug if theme else "",
            theme_mixed=theme.is_mixed if theme else False,
            kommune_number=kommune[1],
            fylke_name=kommune[2],
            contact_name=contact[0],
            contact_kind=contact[1],
            contact_phone=contact[2],
            contact_email=contact[3],
        )
    return found
