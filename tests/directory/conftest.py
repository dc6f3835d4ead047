from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import login
from tests.factories import StaffRoleFactory, give_totp


@pytest.fixture
def staff_client():
    """A client logged in, with TOTP, as staff of ``contact_point``."""

    def make(contact_point) -> tuple[Client, object]:
        role = StaffRoleFactory(contact_point=contact_point)
        give_totp(role.user)
        return login(Client(), role.user, mfa=True), role.user

    return make


@pytest.fixture(autouse=True)
def _fixed_clock():
    """Reports, registrations and audit rows carry times: every test here sets the clock."""
    with time_machine.travel(
        datetime.datetime(2026, 2, 17, 10, 0, tzinfo=ZoneInfo("Europe/Oslo")), tick=False
    ):
        yield
