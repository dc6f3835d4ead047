"""The OpenAPI schema says every limit the API enforces, and the API keeps to it."""

from __future__ import annotations

import json

import pytest

from core.badinput import VALUE_PATTERN

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/groups/search"


@pytest.fixture
def schema(client):
    return client.get("/api/v1/openapi.json").json()


def test_the_schema_declares_the_limits(schema):
    body = schema["components"]["schemas"]["SearchBody"]
    props = body["properties"]
    assert (props["lat"]["minimum"], props["lat"]["maximum"]) == (57.0, 72.0)
    assert (props["lon"]["minimum"], props["lon"]["maximum"]) == (3.0, 33.0)
    assert props["lat"]["type"] == "number"  # never null
    assert props["radius"]["enum"] == [5, 10, 25, 50, 100]
    assert (props["page"]["minimum"], props["page"]["maximum"]) == (1, 1000)
    assert props["weekday"]["items"]["minimum"] == 0 and props["weekday"]["items"]["maximum"] == 6
    assert props["q"]["maxLength"] == 80 and props["q"]["pattern"] == VALUE_PATTERN
    assert body["additionalProperties"] is False
    assert body["dependentRequired"] == {"lat": ["lon"], "lon": ["lat"]}

    get = {p["name"]: p for p in schema["paths"]["/api/v1/groups"]["get"]["parameters"]}
    position = get["position"]
    assert position["style"] == "form" and position["explode"] is True
    assert position["schema"]["required"] == ["lat", "lon"]
    assert "lat" not in get and "lon" not in get
    assert get["radius"]["schema"]["allOf"][0]["enum"] == [5, 10, 25, 50, 100] or get["radius"][
        "schema"
    ].get("enum") == [5, 10, 25, 50, 100]


@pytest.mark.parametrize("body", [[None, None], [], 5, "x", None])
def test_a_body_that_is_not_an_object_is_refused(client, body):
    response = client.post(SEARCH, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    "body",
    [
        {"lat": 0, "lon": 0},
        {"radius": 0},
        {"radius": "25"},
        {"lat": 60.0},
        {"lat": None, "lon": None},
        {"weekday": [True]},
        {"page": 0},
        {"unknown": 1},
    ],
)
def test_a_body_outside_the_schema_is_refused(client, body):
    response = client.post(SEARCH, body, content_type="application/json")
    assert response.status_code == 400, body
    assert response.json()["error"]


@pytest.mark.parametrize(
    "query", [{"lat": "0", "lon": "0"}, {"radius": "0"}, {"lat": "60"}, {"page": "0"}]
)
def test_a_query_outside_the_schema_is_refused(client, query):
    response = client.get("/api/v1/groups", query)
    assert response.status_code == 400, query
    assert response.json()["error"]


def test_a_well_formed_search_is_answered(client):
    body = {"lat": 59.9, "lon": 10.7, "radius": 25.0, "weekday": [1.0], "page": 1}
    assert client.post(SEARCH, body, content_type="application/json").status_code == 200
    assert client.get("/api/v1/groups", {"lat": "59.9", "lon": "10.7"}).status_code == 200


def test_a_place_or_theme_that_does_not_exist_is_not_found(client):
    for query in ({"q": "Atlantis"}, {"theme": "finnes-ikke"}):
        response = client.get("/api/v1/groups", query)
        assert response.status_code == 404, query
        assert response.json()["error"] == "not_found"
