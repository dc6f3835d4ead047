"""Bad input proof for the JSON API: schemathesis over ``/api/v1/openapi.json``.

Schemathesis reads the schema from the Django app itself (WSGI, no server)
and generates requests for every operation, valid and invalid. The checks:
no 5xx, responses that conform to the schema (status codes, content types,
headers, bodies), and every rejection a JSON body with an ``error`` code and a
``detail`` message. ``API_FUZZ_MAX_EXAMPLES`` raises the bound per operation.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings

from tests.factories import GroupFactory

MAX_EXAMPLES = int(os.environ.get("API_FUZZ_MAX_EXAMPLES", "40"))


# Generating the schema touches no database, so it is read once at import.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def some_groups(db):
    """Real groups, so that generated slugs and searches can find something.

    The WSGI handler would close the test's database connection after each
    request (``close_old_connections``); Django's own test client switches
    that off the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield [GroupFactory(slug=slug) for slug in ("gruppe-en", "gruppe-to")]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_api_conforms_and_never_fails(some_groups, case):
    # The per-address API limit is tested in test_ratelimit; here it would
    # only turn generated requests into 429s.
    with override_settings(SELVHJELP_RATE_LIMITS={"api": ""}):
        response = case.call()
    assert response.status_code < 500
    if response.status_code == 414:
        # The query-string limit in front of every URL (the same one gunicorn
        # applies), not part of any operation's schema.
        assert response.json()["error"]
        return
    # Every check schemathesis has, conformance included: the schema declares
    # every limit the API enforces (negative_data_rejection) and the API
    # accepts what the schema allows (positive_data_acceptance).
    case.validate_response(response)
    assert response.status_code < 500
    if response.status_code >= 400:
        body = response.json()
        assert body.get("error"), f"{case.method} {case.path}: rejection without an error code"
        assert body.get("detail"), f"{case.method} {case.path}: rejection without a message"
