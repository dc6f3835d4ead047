"""Every rejection under /api/ is JSON with an error code and a message."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] and body["detail"]
    return body


def test_a_method_the_path_does_not_allow(client):
    response = client.delete("/api/v1/places")
    assert_json_error(response, 405)
    assert "GET" in response["Allow"]


def test_an_unknown_api_path(client):
    assert_json_error(client.get("/api/v1/finnes-ikke"), 404)


def test_a_body_that_is_not_json(client):
    response = client.post("/api/v1/groups/search", data=b"\x00{", content_type="application/json")
    body = assert_json_error(response, 400)
    assert body["error"] == "invalid_request"


def test_html_pages_keep_their_html_errors(client):
    response = client.get("/grupper/finnes-ikke/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_overlong_query_string_is_refused_before_any_view(client):
    response = client.get("/grupper/", {"q": "x" * 5000})
    assert response.status_code == 414
    assert "Error 400" in response.content.decode() or response.content.strip()
    assert_json_error(client.get("/api/v1/places", {"q": "x" * 5000}), 414)
