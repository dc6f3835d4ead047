"""Data for the dashboard tests: groups, meetings and interest in two districts.

The dashboards count by month and week, so their tests run on a day of their
own (``clock``), never on the day the suite runs: ``stats`` sets it before
anything is made, and tests that build their own data ask for ``clock``
before ``roles``. The hard days (ISO week 53, New Year in Oslo time) have
tests of their own that travel there.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from groups.models import Group
from interest.models import InterestRegistration
from meetings.models import Meeting
from monitoring.filters import OSLO
from monitoring.services import activity_refresh
from places.models import Fylke, Kommune
from tests.factories import (
    ContactPointFactory,
    FylkeFactory,
    GroupFactory,
    KommuneFactory,
    ThemeFactory,
    UserFactory,
)

# An ordinary Wednesday in the middle of a month.
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=OSLO)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """The clock at ``NOW``, ticking; ``clock.move_to(...)`` travels on."""
    with time_machine.travel(NOW) as traveller:
        yield traveller


def add_meeting(group: Group, when: datetime.datetime, attendance: int | None) -> Meeting:
    return Meeting.objects.create(
        group=group,
        occurrence=when,
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=2),
        attendance=attendance,
        attendance_recorded_at=when + datetime.timedelta(hours=3) if attendance else None,
    )


def register_interest(theme: Any, kommune: Any, count: int, *, digital: bool = False) -> None:
    for _ in range(count):
        InterestRegistration.objects.create(
            user=UserFactory(),
            theme=theme,
            format=InterestRegistration.Format.DIGITAL if digital else "in_person",
            kommune=kommune,
        )


def months_ago(count: int, day: int = 10) -> datetime.datetime:
    """Noon on ``day`` of the month ``count`` months before this one (Oslo time)."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - count
    return timezone.make_aware(datetime.datetime(index // 12, index % 12 + 1, day, 12, 0))


@dataclass
class Stats:
    roles: Any
    fylke_a2: Any
    kommune_a2: Any
    kommune_a3: Any
    kommune_far: Any
    theme2: Any
    groups: list[Group]


def build_stats(roles: Any) -> Stats:
    """District A gets a second fylke, more kommuner, groups with members,
    meetings with attendance, and interest registrations; small cells on purpose."""
    w = roles
    fylke_a2 = FylkeFactory(name="Fylke Alfa To", district=w.district_a)
    # Kommune points: A and A2 are 5 km apart; "far" is far from every group.
    w.kommune_a.latitude, w.kommune_a.longitude = 59.90, 10.70
    w.kommune_a.save()
    kommune_a2 = KommuneFactory(
        name="Andrekommune", fylke=w.fylke_a, latitude=59.93, longitude=10.75
    )
    kommune_a3 = KommuneFactory(name="Tredjekommune", fylke=fylke_a2, latitude=61.0, longitude=9.0)
    kommune_far = KommuneFactory(name="Fjernkommune", fylke=fylke_a2, latitude=69.0, longitude=18.0)
    theme2 = ThemeFactory(slug="tema-to", name_nb="Ensomhet", name_en="Loneliness")
    cp_a2 = ContactPointFactory(slug="kp-alfa-to", name="Frivilligsentralen To", kommune=kommune_a2)
    cp_a3 = ContactPointFactory(slug="kp-alfa-tre", name="LMS Tre", kommune=kommune_a3)
    now = timezone.now()
    groups = []

    def group(
        cp: Any, theme: Any, members: int, state: str = Group.State.SELF_RUN, **kw: Any
    ) -> Group:
        g = GroupFactory(
            contact_point=cp,
            theme=theme,
            state=state,
            member_count=members,
            published_at=months_ago(6),
            state_changed_at=months_ago(5),
            self_run_at=months_ago(5) if state == Group.State.SELF_RUN else None,
            **kw,
        )
        groups.append(g)
        return g

    g1 = group(w.cp_a, w.theme, 5)
    g2 = group(cp_a2, w.theme, 2)  # a small cell: kommune A2, theme 1
    g3 = group(cp_a3, theme2, 4)
    g4 = group(cp_a3, w.theme, 1)  # small: kommune A3, theme 1
    g5 = group(w.cp_a, theme2, 6, state=Group.State.STARTING)
    for months_back, g, attendance in (
        (1, g1, 5),
        (1, g2, 2),  # small
        (1, g3, 4),
        (2, g1, 4),
        (2, g4, 1),  # small
        (2, g5, 6),
        (3, g3, 3),
        (3, g2, 1),  # small
    ):
        add_meeting(g, months_ago(months_back), attendance)
    add_meeting(g5, now - datetime.timedelta(days=3), 5)
    register_interest(w.theme, kommune_far, 2)  # small, unmet
    register_interest(theme2, kommune_far, 4)  # unmet
    register_interest(w.theme, w.kommune_a, 3)  # met: a group in the same kommune
    register_interest(theme2, kommune_a2, 1)  # met: g5 is 5 km away
    activity_refresh()
    return Stats(
        roles=w,
        fylke_a2=fylke_a2,
        kommune_a2=kommune_a2,
        kommune_a3=kommune_a3,
        kommune_far=kommune_far,
        theme2=theme2,
        groups=groups,
    )


@pytest.fixture
def stats(clock, roles) -> Stats:
    return build_stats(roles)


@dataclass
class MapWorld:
    roles: Any
    theme: Any


def build_map_world(roles: Any) -> MapWorld:
    """District A gets Vestland (46), district B Rogaland (11); groups and
    interest in real kommuner, with small numbers on purpose."""
    w = roles
    Fylke.objects.filter(number="46").update(district=w.district_a)
    Fylke.objects.filter(number="11").update(district=w.district_b)
    kommune = {k.number: k for k in Kommune.objects.filter(number__in=["4601", "4621", "1103"])}
    bergen = ContactPointFactory(slug="kp-bergen", name="Kp Bergen", kommune=kommune["4601"])
    voss = ContactPointFactory(slug="kp-voss", name="Kp Voss", kommune=kommune["4621"])
    stavanger = ContactPointFactory(
        slug="kp-stavanger", name="Kp Stavanger", kommune=kommune["1103"]
    )

    def group(cp: Any, members: int) -> None:
        GroupFactory(
            contact_point=cp, theme=w.theme, state=Group.State.SELF_RUN, member_count=members
        )

    group(bergen, 4)  # Bergen: 1 group, 4 members
    for _ in range(3):
        group(voss, 5)  # Voss: 3 groups, 15 members
    for _ in range(5):
        group(stavanger, 6)  # Stavanger (district B): 5 groups
    sogndal = Kommune.objects.get(number="4640")  # more than 30 km from any group
    kinn = Kommune.objects.get(number="4602")
    register_interest(w.theme, sogndal, 4)
    register_interest(w.theme, kinn, 2)
    register_interest(w.theme, kommune["4601"], 5)  # a group in Bergen: met
    return MapWorld(roles=w, theme=w.theme)
