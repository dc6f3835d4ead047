"""The account forms take as long for a known address as for an unknown one.

Each form is timed alternately for an address with an account and one
without; the medians must be close. The password hasher is a real one
(PBKDF2, fewer rounds than production to keep the test short): the fast
test hasher would hide the very work whose absence gave a known address
away. The bound is generous, a ratio, not milliseconds: a skipped hash
made the known address several times faster.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROUNDS = 11
BOUND = 1.6
PASSWORD = "lang-og-trygg-frase-42"
KNOWN = "kjent@example.org"


class TimingHasher(PBKDF2PasswordHasher):
    """PBKDF2 with enough rounds that hashing outweighs the noise (about 20–40 ms)."""

    iterations = 60_000


SETTINGS = {
    "PASSWORD_HASHERS": ["tests.accounts.test_timing.TimingHasher"],
    "ACCOUNT_RATE_LIMITS": False,
    "SELVHJELP_RATE_LIMITS": {},
}


def _median_ms(post: Callable[[str], object], addresses: list[str]) -> float:
    times = []
    for address in addresses:
        start = time.perf_counter()
        post(address)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _compare(post: Callable[[str], object], *, new_each_time: bool = False) -> tuple[float, float]:
    known_times, unknown_times = [], []
    # A first request of each kind loads templates and code: not timed.
    post(KNOWN)
    post("oppvarming@example.org")
    for round_ in range(ROUNDS):
        unknown = f"ukjent-{round_}@example.org" if new_each_time else "ukjent@example.org"
        # Alternate the order, so that neither side always runs warm.
        pairs = [(KNOWN, known_times), (unknown, unknown_times)]
        for address, times in pairs if round_ % 2 else reversed(pairs):
            times.append(_median_ms(post, [address]))
    return statistics.median(known_times), statistics.median(unknown_times)


def _assert_close(known: float, unknown: float) -> None:
    ratio = max(known, unknown) / max(min(known, unknown), 0.001)
    assert ratio < BOUND, f"known {known:.1f} ms, unknown {unknown:.1f} ms"


@pytest.fixture
def known_user():
    with override_settings(**SETTINGS):
        user = UserFactory(email=KNOWN)
        user.set_password(PASSWORD)
        user.save()
        yield user


@override_settings(**SETTINGS, SELVHJELP_ACCOUNT_FORM_FLOOR_MS=100)
def test_signing_up_takes_as_long_for_a_known_address(known_user):
    """Sign-up asks for no password: a new address costs an account and a code,
    a known one a notice. The floor evens them out (accounts/middleware.py)."""

    def post(address: str) -> object:
        return Client().post(
            reverse("account_signup"), {"email": address, "display_name": "Fjellrev"}
        )

    _assert_close(*_compare(post, new_each_time=True))


@override_settings(**SETTINGS, SELVHJELP_ACCOUNT_FORM_FLOOR_MS=100)
def test_signing_up_by_phone_takes_as_long_for_a_known_number(known_user):
    known_user.phone = "+4791234567"
    known_user.phone_verified = True
    known_user.save()
    numbers = iter(range(10**6))

    def post(number: str) -> object:
        number = "+4791234567" if number == KNOWN else f"+479{next(numbers):07d}"
        return Client().post(
            reverse("account_signup_phone"), {"phone": number, "display_name": "Fjellrev"}
        )

    _assert_close(*_compare(post, new_each_time=True))


def test_the_floor_holds_only_the_account_forms(client, settings):
    settings.SELVHJELP_ACCOUNT_FORM_FLOOR_MS = 300
    start = time.monotonic()
    client.post(reverse("account_signup"), {"email": "ny@example.org", "display_name": "Rev"})
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    client.get(reverse("account_signup"))
    assert time.monotonic() - start < 0.3


@override_settings(**SETTINGS)
def test_logging_in_takes_as_long_for_an_unknown_address(known_user):
    def post(address: str) -> object:
        return Client().post(reverse("account_login"), {"login": address, "password": "galt-ord"})

    _assert_close(*_compare(post))


@override_settings(**SETTINGS)
def test_asking_for_a_new_password_takes_as_long_for_an_unknown_address(known_user):
    def post(address: str) -> object:
        return Client().post(reverse("account_reset_password"), {"email": address})

    _assert_close(*_compare(post))


@override_settings(**SETTINGS)
def test_asking_for_a_login_code_takes_as_long_for_an_unknown_address(known_user):
    def post(address: str) -> object:
        return Client().post(reverse("account_request_login_code"), {"email": address})

    _assert_close(*_compare(post))
