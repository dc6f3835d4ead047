"""Refusing a number held by another account takes as long as refusing a wrong code.

``phone_confirm`` is one of the account forms held to
``SELVHJELP_ACCOUNT_FORM_FLOOR_MS`` (``accounts.middleware``): the taken
number ends in a redirect, a wrong code in a page with the form again, and
neither may be told apart by its time. As in ``test_timing.py``, the medians
of alternating rounds are compared as a ratio.
"""

from __future__ import annotations

import re
import statistics
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from notifications.sms import LocmemBackend
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROUNDS = 7
BOUND = 1.6
NUMBER = "+4791234567"
CODE = re.compile(r"\b([A-Z]{4}-[A-Z]{4})\b")


@override_settings(
    ACCOUNT_RATE_LIMITS=False,
    SELVHJELP_ACCOUNT_FORM_FLOOR_MS=150,
    SELVHJELP_SMS_BACKEND="notifications.sms.LocmemBackend",
)
def test_a_taken_number_is_refused_in_the_time_of_a_wrong_code(client):
    UserFactory(phone=NUMBER, phone_verified=True)
    member = UserFactory(phone=NUMBER, phone_verified=False)
    login(client, member)
    confirm = reverse("accounts:phone_confirm")

    def refuse(kind: str) -> float:
        LocmemBackend.outbox.clear()
        client.post(reverse("accounts:phone_send_code"))
        code = CODE.search(LocmemBackend.outbox[-1]["text"]).group(1)
        start = time.perf_counter()
        response = client.post(confirm, {"code": code if kind == "taken" else "BBBB-BBBB"})
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == (302 if kind == "taken" else 200)
        return elapsed

    refuse("taken"), refuse("wrong")  # warm templates and code: not timed
    taken, wrong = [], []
    for round_ in range(ROUNDS):
        pairs = [("taken", taken), ("wrong", wrong)]
        for kind, times in pairs if round_ % 2 else reversed(pairs):
            times.append(refuse(kind))
    a, b = statistics.median(taken), statistics.median(wrong)
    assert min(a, b) >= 150
    assert max(a, b) / min(a, b) < BOUND, f"taken {a:.1f} ms, wrong code {b:.1f} ms"
    member.refresh_from_db()
    assert not member.phone_verified
    LocmemBackend.outbox.clear()
