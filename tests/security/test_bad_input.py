"""Control characters and integers beyond 64 bits answer 400 before any view.

PostgreSQL refuses NUL in text and SQLite cannot bind an integer beyond 64
bits; both used to surface as 500 (statistics filters, the group API, the
admin's choice fields and ``__in`` filters). ``core.middleware.BadInputMiddleware``
answers 400 with a message in the visitor's language instead: an error page,
or ``{"error", "detail"}`` under ``/api/``. The random side of the same proof
is ``test_fuzz_forms.py`` and ``test_schemathesis.py``; these are the cases
that must hold on every run, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from core.badinput import out_of_range
from joining.models import JoinRequest
from selvhjelp.api import api
from tests.conftest import World, login

pytestmark = pytest.mark.django_db

HUGE = str(2**64)


def staff(world: World, role: str = "district_staff") -> Client:
    return login(Client(), world.users[role], mfa=True)


def assert_page_400(response, *words: str) -> str:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    for word in words:
        assert word in body, word
    return body


def assert_json_400(response, *words: str) -> str:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == "invalid_request"
    for word in words:
        assert word in body["detail"], word
    return body["detail"]


# --- The probes that answered 500 on PostgreSQL ----------------------------------


def test_a_nul_in_a_group_slug_of_the_api(client):
    assert_json_400(client.get("/api/v1/groups/%00"), "kontrolltegn")


@pytest.mark.parametrize(
    "url", ["/personale/statistikk/", "/personale/statistikk/csv/groups/"], ids=["page", "csv"]
)
def test_a_nul_in_a_statistics_filter(roles, url):
    body = assert_page_400(staff(roles).get(url, {"kommune": "3301\x00"}), "«kommune»")
    assert "kontrolltegn" in body
    assert '<html lang="nb">' in body


def test_a_nul_in_a_statistics_filter_of_the_api(roles):
    response = staff(roles).get("/api/v1/statistics/", {"kommune": "3301\x00"})
    assert_json_400(response, "«kommune»", "kontrolltegn")


def test_the_message_follows_the_visitors_language(roles):
    client = staff(roles)
    page = client.get("/personale/statistikk/?kommune=3301%00", HTTP_ACCEPT_LANGUAGE="en")
    body = assert_page_400(page, "control character", "“kommune”")
    assert '<html lang="en">' in body
    api = client.get("/api/v1/statistics/?kommune=3301%00", HTTP_ACCEPT_LANGUAGE="en")
    assert_json_400(api, "control character", "“kommune”")


# --- Integers beyond 64 bits, the admin included ----------------------------------


def test_admin_choice_fields_refuse_huge_ids(roles):
    admin = staff(roles, "national_admin")
    user = roles.users["seeker"]
    add_group = admin.post(reverse("admin:auth_group_add"), {"name": "x", "permissions": HUGE})
    assert_page_400(add_group, "«permissions»", "for langt")
    change_user = admin.post(
        reverse("admin:accounts_user_change", args=[user.pk]), {"email": user.email, "groups": HUGE}
    )
    assert_page_400(change_user, "«groups»")


@pytest.mark.parametrize(
    "query",
    [f"id__exact={HUGE}", f"id__in={HUGE}", f"id__in=1,{HUGE}", f"groups__id__exact=-{HUGE}"],
)
def test_admin_filters_refuse_huge_ids(roles, query):
    admin = staff(roles, "national_admin")
    assert_page_400(admin.get(f"{reverse('admin:accounts_user_changelist')}?{query}"))


def test_the_largest_ids_are_still_ids(roles):
    admin = staff(roles, "national_admin")
    url = reverse("admin:accounts_user_changelist")
    assert admin.get(url, {"id__in": f"1,{2**63 - 1}"}).status_code == 200
    assert admin.get(url, {"id__exact": str(-(2**63))}).status_code == 200


def test_a_json_body_with_a_huge_number_or_a_nul(client):
    url = reverse("api:search_groups_post")
    huge = client.post(url, f'{{"page": {HUGE}}}', content_type="application/json")
    assert_json_400(huge, "«page»")
    nul = client.post(url, json.dumps({"q": "Oslo\x00"}), content_type="application/json")
    assert_json_400(nul, "«q»", "kontrolltegn")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (str(2**63 - 1), False),
        (str(2**63), True),
        (str(-(2**63)), False),
        (str(-(2**63) - 1), True),
        (f"  +{2**64}\n", True),
        (f"{2**64}.000", True),
        ("18_446_744_073_709_551_616", True),
        ("\u0661" * 25, True),  # Arabic-Indic digits, which int() reads
        (f"1, 2,{2**64}", True),
        (f"Ring meg, {2**64}", False),  # text, which no lookup turns into a number
        ("9" * 5000, False),  # more digits than int() reads: refused as text everywhere
        ("123", False),
    ],
)
def test_which_values_are_out_of_range(value, expected):
    assert out_of_range(value) is expected


# --- Which control characters, where ---------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_in_a_query_value(client, char):
    assert_page_400(client.get("/grupper/", {"q": f"Oslo{char}"}), "«q»")


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_tabs_and_line_breaks_are_text_in_a_value_but_not_in_a_path_or_a_name(client, char):
    assert client.get("/grupper/", {"q": f"Oslo{char}"}).status_code == 200
    assert_page_400(client.get(f"/grupper/a{quote(char)}b/"), "adressen")
    assert_page_400(client.get("/grupper/", {f"q{char}": "Oslo"}), "feltnavn")


def test_a_textarea_keeps_its_line_breaks_and_tabs(roles):
    seeker = login(Client(), roles.users["seeker"])
    message = "Hei!\r\nJeg vil gjerne være med.\tTakk."
    response = seeker.post(
        reverse("joining:request", kwargs={"slug": roles.group.slug}), {"message": message}
    )
    assert response.status_code == 302
    assert JoinRequest.objects.get(user=roles.users["seeker"]).message == message


def test_a_control_character_in_a_form_post(roles):
    seeker = login(Client(), roles.users["seeker"])
    url = reverse("joining:request", kwargs={"slug": roles.group.slug})
    assert_page_400(seeker.post(url, {"message": "Hei\x00"}), "«message»")
    assert not JoinRequest.objects.filter(user=roles.users["seeker"]).exists()


# --- Every parameter of every API operation --------------------------------------


def _api_cases() -> list:
    """One bad value in one parameter, for every GET operation of the schema.

    Read from the schema, so that a new operation or parameter is covered the
    day it is added. A path segment is text, which no lookup turns into a
    number: it gets the control character only.
    """
    cases = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            name = parameter["name"]
            if parameter["in"] == "path":
                url = path.replace(f"{{{name}}}", "%00")
                cases.append(pytest.param(url, {}, "control", id=f"{path}-{name}-nul"))
                continue
            url = path.replace("{slug}", "gruppe")
            for value, kind in (("Oslo\x00", "control"), (HUGE, "too long")):
                cases.append(pytest.param(url, {name: value}, kind, id=f"{path}-{name}-{kind}"))
    return cases


@pytest.mark.parametrize(("url", "query", "kind"), _api_cases())
def test_every_api_parameter_refuses_bad_input(client, url, query, kind):
    response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")
    assert kind in assert_json_400(response)
