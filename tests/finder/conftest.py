from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from places.models import Kommune
from places.selectors import clear_cache
from tests.factories import ContactPointFactory, GroupFactory, ThemeFactory

_gazetteer = importlib.import_module("places.migrations.0003_load_gazetteer")


@pytest.fixture
def gazetteer(db):
    """The real geography, reloaded if a transactional test flushed it."""
    if not Kommune.objects.filter(number="5501").exists():
        _gazetteer.load(apps, SimpleNamespace(connection=connection))
    clear_cache()
    yield
    clear_cache()


def kommune(number: str) -> Kommune:
    return Kommune.objects.get(number=number)


@pytest.fixture
def make_group(gazetteer):
    """A public in-person group at a kommune's point (or a given point)."""

    def make(number: str = "3301", *, lat=None, lon=None, **kwargs):
        place = kommune(number)
        contact_point = kwargs.pop("contact_point", None) or ContactPointFactory(kommune=place)
        kwargs.setdefault("kommune", place)
        return GroupFactory(
            contact_point=contact_point,
            latitude=place.latitude if lat is None else lat,
            longitude=place.longitude if lon is None else lon,
            **kwargs,
        )

    return make


@pytest.fixture
def theme():
    return ThemeFactory(slug="sorg", name_nb="Sorg", name_en="Grief")
