"""Bad input proof for the HTML pages: every form and every query parameter.

The pages and roles come from the permission matrix (``URLS``): for each URL
pattern, the first case that some role may GET with 200 is opened as that
role, and every ``<form>`` on it is found in the HTML. Hypothesis then sends
each form random bodies (unicode, control characters, huge values, numbers
out of range, repeated keys, unknown fields) and the page itself random query
strings. Nothing may answer 5xx; a 4xx must carry a message.

Besides the random ones, every field and every query parameter always gets
two explicit examples: a control character (PostgreSQL refuses NUL in text)
and an integer beyond 64 bits (SQLite cannot bind it). With the fixed seed of
the "ci" profile (tests/conftest.py) a run is repeatable; ``make fuzz``
explores with a fresh seed. The suite runs on SQLite and on PostgreSQL.

Runtime is bounded by ``MAX_EXAMPLES`` per form (``FUZZ_MAX_EXAMPLES`` in the
environment raises it for a longer run).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.ratelimit import DEFAULT_RATE_LIMITS
from tests.conftest import MFA_ROLES, ROLES, World, build_world, login
from tests.test_permission_matrix import URLS, Redirect

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "12"))
pytestmark = pytest.mark.hypothesis  # selected by `make fuzz`

# Forms whose purpose is to end the session the fuzzing runs in.
SKIPPED_ACTIONS = ("/konto/logout/", "/admin/logout/")
NO_LIMITS = {
    "SELVHJELP_RATE_LIMITS": dict.fromkeys(DEFAULT_RATE_LIMITS, ""),
    "ACCOUNT_RATE_LIMITS": False,
}

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')
FIELD = re.compile(r"<(input|select|textarea|button)\b([^>]*)>", re.I)

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "99999999999999999999999999",
    str(2**63 - 1),
    str(2**63),
    str(-(2**63)),
    str(-(2**63) - 1),
    f" {2**64} ",
    f"{2**64}.0",
    "18_446_744_073_709_551_616",
    "\u0661" * 25,
    f"1,{2**64}",
    "1e309",
    "NaN",
    "-0",
    "null",
    "true",
    "[]",
    "{}",
    "\x00",
    "3301\x00",
    "\x01\x08\x0b\x0c\x1b[31m",
    "\x7f",
    "\x85\x9f",
    "linje\r\nlinje\tkolonne",
    "\u202e\u0627\u0644",
    "💥" * 20,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "%00",
    "2026-02-30",
    "9999-12-31T23:59",
    "00:00",
    "25:61",
    "+4799999999999999",
    "finnes-ikke",
    "Ø" * 300,
]
# The two values every field and parameter is always tried with.
CONTROL = "\x00"
HUGE = str(2**64)
CONTROLS = st.characters(categories=["Cc"])
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=2000),
    st.builds("{}{}{}".format, st.text(max_size=8), CONTROLS, st.text(max_size=8)),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.one_of(st.integers(min_value=2**63), st.integers(max_value=-(2**63) - 1)).map(str),
    st.just("x" * 100_000),
)


def with_explicit_examples(run, argument: str, names: list[str]):
    """``run`` with one example per name and bad value, tried before the random ones."""
    for name in names:
        for value in (CONTROL, HUGE):
            run = example(**{argument: {name: value}})(run)
    return run


@dataclass(frozen=True)
class FoundForm:
    page: str
    role: str
    action: str
    method: str
    fields: tuple[str, ...]


def _attrs(text: str) -> dict[str, str]:
    return {k.lower(): html.unescape(v) for k, v in ATTR.findall(text)}


def forms_in(page: str, role: str, body: str) -> Iterator[FoundForm]:
    for form_attrs, inner in FORM.findall(body):
        attrs = _attrs(form_attrs)
        action = attrs.get("action") or page
        if not action.startswith("/") or action.startswith(SKIPPED_ACTIONS):
            continue
        names = []
        for _tag, field_attrs in FIELD.findall(inner):
            name = _attrs(field_attrs).get("name")
            if name and name != "csrfmiddlewaretoken" and name not in names:
                names.append(name)
        yield FoundForm(page, role, action, attrs.get("method", "get").lower(), tuple(names))


def first_page(key: str, world: World) -> tuple[str, str] | None:
    """The URL and role of the first GET case of ``key`` that answers 200."""
    for case in URLS[key]:
        if case.method != "get" or case.path is not None:
            continue
        for role in ROLES:
            if case.expect.get(role) == 200 and not isinstance(case.expect.get(role), Redirect):
                try:
                    url = reverse(key, kwargs=case.kwargs(world))
                except Exception:
                    return None
                return (f"{url}?{case.query}" if case.query else url), role
    return None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[tuple[World, dict[str, str]]]:
    with django_db_blocker.unblock(), transaction.atomic():
        w = build_world()
        sessions = {}
        for role in ROLES:
            user = w.users[role]
            if user is not None:
                client = login(Client(), user, mfa=role in MFA_ROLES)
                sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield w, sessions
        transaction.set_rollback(True)


def client_for(sessions: dict[str, str], role: str) -> Client:
    client = Client()
    client.cookies = SimpleCookie()
    if role in sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    return client


def assert_sane(response, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if 400 <= response.status_code < 500 and response.status_code != 405:
        assert response.content.strip(), f"{where}: {response.status_code} without a message"


def fuzz_form(client: Client, form: FoundForm) -> None:
    keys = st.sampled_from([*form.fields, "unexpected", "pk", "id"]) if form.fields else None
    body = (
        st.dictionaries(keys, st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3)))
        if keys is not None
        else st.just({})
    )

    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=body)
    def run(data: dict[str, object]) -> None:
        where = f"{form.method.upper()} {form.action} (form on {form.page}) as {form.role}"
        if form.method == "post":
            response = client.post(form.action, data)
        else:
            response = client.get(form.action.split("?")[0], data)
        assert_sane(response, f"{where} with {sorted(data)}")

    with_explicit_examples(run, "data", [*form.fields, "unexpected"])()


def fuzz_query(client: Client, page: str, role: str, names: list[str]) -> None:
    all_names = [*names, "page", "q", "next", "event", "sort", "unexpected"]
    keys = st.sampled_from(all_names)

    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(params=st.dictionaries(keys, st.one_of(VALUES, st.lists(VALUES, max_size=3))))
    def run(params: dict[str, object]) -> None:
        path = page.split("?")[0]
        query = urlencode(params, doseq=True)
        response = client.get(f"{path}?{query}")
        assert_sane(response, f"GET {path} as {role} with {sorted(params)}")

    with_explicit_examples(run, "params", list(dict.fromkeys(all_names)))()


PAGE_KEYS = [
    key
    for key, cases in URLS.items()
    if not key.startswith("<unnamed>")
    and any(c.method == "get" and 200 in c.expect.values() for c in cases)
]


@pytest.mark.parametrize("key", PAGE_KEYS)
def test_no_5xx_from_random_input(world, db, key: str):
    w, sessions = world
    found = first_page(key, w)
    if found is None:
        pytest.skip("no GET case answers 200")
    page, role = found
    client = client_for(sessions, role)
    with override_settings(**NO_LIMITS):
        response = client.get(page)
        assert response.status_code == 200, f"GET {page} as {role}: {response.status_code}"
        content_type = response.get("Content-Type", "")
        forms = (
            list(forms_in(page, role, response.content.decode())) if "html" in content_type else []
        )
        get_names = sorted({name for f in forms if f.method == "get" for name in f.fields})
        fuzz_query(client, page, role, get_names)
        for form in forms:
            if form.method == "post":
                fuzz_form(client, form)
        if os.environ.get("FUZZ_REPORT"):
            print(f"\nFUZZ {page} as {role}: {[(f.method, f.action, f.fields) for f in forms]}")


def test_the_discovery_finds_forms(world, db):
    """Guards the regexes: the finder and the join request form are found."""
    w, sessions = world
    client = client_for(sessions, "seeker")
    page = reverse("joining:request", kwargs={"slug": w.group.slug})
    forms = list(forms_in(page, "seeker", client.get(page).content.decode()))
    assert any(f.method == "post" and "message" in f.fields for f in forms)
    finder = list(forms_in("/grupper/", "anonymous", Client().get("/grupper/").content.decode()))
    assert any(f.method == "get" and "q" in f.fields for f in finder)
