"""Fixtures for the interest list: a few kommuner at known distances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from organisations.models import ContactPoint
from tests.factories import (
    ContactPointFactory,
    FylkeFactory,
    KommuneFactory,
    StaffRoleFactory,
    ThemeFactory,
    UserFactory,
)


@dataclass
class Area:
    theme: Any
    other_theme: Any
    oslo: Any  # has contact point ``cp``
    near: Any  # about 4 km from oslo, no contact point
    far: Any  # Trondheim, about 390 km away, has ``cp_far``
    cp: Any
    cp_far: Any
    staff: Any
    staff_far: Any


@pytest.fixture
def area(db) -> Area:
    fylke = FylkeFactory()
    oslo = KommuneFactory(name="Osloby", fylke=fylke, latitude=59.91, longitude=10.75)
    near = KommuneFactory(name="Nærby", fylke=fylke, latitude=59.95, longitude=10.75)
    far = KommuneFactory(name="Fjernby", latitude=63.43, longitude=10.39)
    cp = ContactPointFactory(kommune=oslo, public_email="kp-oslo@example.org")
    cp_far = ContactPointFactory(
        kommune=far, public_email="kp-fjern@example.org", kind=ContactPoint.Kind.LMS
    )
    staff = UserFactory(email="ansatt@example.org", display_name="Anne Ansatt")
    staff_far = UserFactory(email="ansatt-fjern@example.org", display_name="Frank Fjern")
    StaffRoleFactory(user=staff, contact_point=cp)
    StaffRoleFactory(user=staff_far, contact_point=cp_far)
    return Area(
        theme=ThemeFactory(name_nb="Sorg og tap", name_en="Grief and loss"),
        other_theme=ThemeFactory(name_nb="Angst", name_en="Anxiety"),
        oslo=oslo,
        near=near,
        far=far,
        cp=cp,
        cp_far=cp_far,
        staff=staff,
        staff_far=staff_far,
    )


@pytest.fixture
def register(area, django_capture_on_commit_callbacks):
    """``register(user=None, **overrides)``: one registration, tasks run after commit."""
    from interest.services import interest_register

    def make(user: Any = None, **kwargs: Any) -> Any:
        values = {
            "user": user or UserFactory(),
            "theme": area.theme,
            "format": "in_person",
            "kommune": area.oslo,
            "radius_km": 25,
            "contact_by": "email",
            **kwargs,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return interest_register(**values)

    return make
