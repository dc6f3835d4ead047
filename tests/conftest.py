"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from .factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory()
