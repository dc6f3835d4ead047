from __future__ import annotations

import pytest
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
