from __future__ import annotations

import json

from groups.models import Group
from tests.conftest import clear_caches

PRIVATE = ("Kirkegata 5", "meet.example", "Skjult Navn")


def _private_group(make_group, **kwargs):
    from tests.factories import MembershipFactory, UserFactory

    group = make_group("5501", place="Kirkegata 5", meeting_url="https://meet.example/x", **kwargs)
    MembershipFactory(group=group, user=UserFactory(display_name="Skjult Navn"))
    return group


def test_search_by_place_nearest_first_with_distance(client, make_group):
    near = _private_group(make_group)
    far = make_group("5501", lat=69.70, lon=19.10)
    response = client.get("/api/v1/groups", {"q": "Tromso", "radius": "25"})
    assert response.status_code == 200
    body = response.json()
    assert body["place"] == "Tromsø (Troms)"
    assert [g["slug"] for g in body["results"]] == [near.slug, far.slug]
    assert body["results"][0]["distance_km"] <= body["results"][1]["distance_km"]
    assert body["results"][0]["approximate"] is True
    assert not any(secret in response.content.decode() for secret in PRIVATE)


def test_search_by_position_in_the_body(client, make_group):
    group = make_group("5501")
    response = client.post(
        "/api/v1/groups/search",
        json.dumps({"lat": 69.65, "lon": 18.96, "radius": 10}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [g["slug"] for g in response.json()["results"]] == [group.slug]


def test_bad_parameters_answer_400_with_a_json_error(client, gazetteer):
    for params in (
        {"radius": "7"},
        {"lat": "abc", "lon": "1"},
        {"lat": "10", "lon": "10"},
        {"page": "0"},
        {"status": "nope"},
    ):
        response = client.get("/api/v1/groups", params)
        assert response.status_code == 400, params
        body = response.json()
        assert body["error"] == "invalid_request" and body["detail"], params


def test_a_place_nobody_knows_is_not_found(client, gazetteer):
    # Well-formed, as the schema says: the place does not exist.
    response = client.get("/api/v1/groups", {"q": "Atlantis"})
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not_found" and body["detail"]["q"]


def test_group_detail_is_public_only(client, make_group):
    group = _private_group(make_group)
    response = client.get(f"/api/v1/groups/{group.slug}")
    assert response.status_code == 200
    data = response.json()
    assert data["schedule"] and data["contact_point"]["name"] == group.contact_point.name
    assert not any(secret in response.content.decode() for secret in PRIVATE)
    for state in (Group.State.DRAFT, Group.State.ENDED):
        hidden = make_group("5501", state=state)
        missing = client.get(f"/api/v1/groups/{hidden.slug}")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_meeting_guide_feed(client, make_group):
    group = _private_group(make_group, weekday=Group.Weekday.SUNDAY)
    digital = make_group(
        "5501",
        format=Group.Format.DIGITAL,
        kommune=None,
        lat=None,
        lon=None,
        meeting_url="https://meet.example/y",
    )
    make_group("5501", state=Group.State.DRAFT)
    response = client.get("/api/v1/groups/meeting-guide.json")
    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()}
    assert set(rows) == {group.slug, digital.slug}
    row = rows[group.slug]
    assert row["day"] == 0 and row["time"] == "18:00" and row["end_time"] == "20:00"
    assert row["timezone"] == "Europe/Oslo" and row["approximate"] == "yes"
    assert row["latitude"] == round(group.latitude, 2)
    assert "ONL" in rows[digital.slug]["types"]
    assert all("conference_url" not in r for r in rows.values())
    assert not any(secret in response.content.decode() for secret in PRIVATE)


def test_place_suggestions(client, gazetteer):
    response = client.get("/api/v1/places", {"q": "Tromso"})
    assert response.json()[0]["label"] == "Tromsø (Troms)"
    assert client.get("/api/v1/places", {"q": "x" * 200}).status_code == 400


def test_openapi_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/groups" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in docs and "/static/ninja/" in docs


def test_api_query_count_does_not_grow_with_the_page(client, make_group):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        # Cold: the cached themes and counts are read from the database too.
        clear_caches()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/groups", {"q": "Tromso"}).status_code == 200
        return len(captured)

    make_group("5501")
    queries()  # warms the in-memory place index
    one = queries()
    for _ in range(15):
        make_group("5501")
        make_group("5501", format=Group.Format.DIGITAL, kommune=None, lat=None, lon=None)
    assert queries() == one


def test_every_search_answer_is_what_the_schema_says(client, make_group):
    """The search is rendered without ninja's own check; it is held to ``SearchOut`` here."""
    from groups.api import SearchOut

    make_group("5501", area="Sentrum")
    make_group("5501", lat=69.70, lon=19.10, cadence=Group.Cadence.CUSTOM, custom_days="MO,TH")
    make_group("5501", format=Group.Format.DIGITAL, kommune=None, lat=None, lon=None)
    for _ in range(7):
        make_group("3301", format=Group.Format.DIGITAL, kommune=None, lat=None, lon=None)
    answers = [
        client.get("/api/v1/groups", params)
        for params in (
            {"q": "Tromso"},
            {"q": "Tromso", "radius": "100", "status": "open", "weekday": "0"},
            {"format": "digital"},
            {"format": "in_person"},
            {},
            {"q": "Tromso", "page": "2"},
        )
    ]
    answers.append(
        client.post(
            "/api/v1/groups/search",
            json.dumps({"lat": 69.65, "lon": 18.96, "radius": 10}),
            content_type="application/json",
        )
    )
    for response in answers:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        assert SearchOut.model_validate(body).model_dump(mode="json") == body
    assert answers[0].json()["results"] and answers[4].json()["digital"]
