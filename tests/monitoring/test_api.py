"""The statistics as JSON: same numbers, same rules as the page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = reverse("api:statistics")


def test_same_suppressed_numbers_as_the_page(stats, role_client):
    client = role_client("national_admin")
    response = client.get(URL, {"kommune": stats.kommune_a2.number}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert body["filters"]["kommune"] == stats.kommune_a2.number
    kommuner = body["tables"]["kommuner"]
    assert kommuner["rows"] == [["Andrekommune", 1, "<3"]]
    assert kommuner["total"] == ["Total", 1, "<3"]
    assert set(body["tables"]) == {
        "states", "themes", "kommuner", "contact_points", "months", "follow_up", "demand",
    }  # fmt: skip


def test_errors_are_json(stats, role_client):
    client = role_client("district_staff")
    foreign = client.get(URL, {"fylke": stats.roles.fylke_b.number})
    assert foreign.status_code == 404
    assert foreign.json()["error"] == "not_found"
    reversed_range = client.get(URL, {"fra": "2026-05", "til": "2026-01"})
    assert reversed_range.status_code == 400
    assert reversed_range.json()["error"] == "invalid_request"


def test_staff_session_without_totp_step_gets_404(stats):
    client = login(Client(), stats.roles.user("district_staff"), mfa=False)
    assert client.get(URL).status_code == 404


def test_no_personal_data_in_the_json(stats, role_client):
    from accounts.models import User
    from groups.models import Group

    texts = [u.email for u in User.objects.all()] + [u.display_name for u in User.objects.all()]
    texts += [g.place for g in Group.objects.all() if g.place]
    # Parsed and dumped again: the raw body escapes non-ASCII letters.
    content = json.dumps(role_client("national_admin").get(URL).json(), ensure_ascii=False)
    assert "Frisklivssentralen Alfa" in content  # the scan reads real text
    assert [t for t in texts if t in content] == []
