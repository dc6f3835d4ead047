"""No cache keeps an answer that carries a position or personal data.

``core.middleware.NoStoreMiddleware``: pages of a logged-in person, a
sign-in in progress, anything POSTed and a position in the query string
answer ``Cache-Control: no-store``; public pages for anonymous visitors
stay cacheable.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings.services import calendar_feed_renew
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

POSITION = {"lat": "59.91", "lon": "10.75", "radius": "25"}


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_the_api_search_by_position_is_not_stored(client):
    body = {"lat": 59.91, "lon": 10.75, "radius": 25}
    posted = client.post("/api/v1/groups/search", body, content_type="application/json")
    assert posted.status_code == 200
    assert _no_store(posted)
    in_query = client.get("/api/v1/groups", POSITION)
    assert in_query.status_code == 200
    assert _no_store(in_query)


def test_a_refused_api_search_is_not_stored_either(client):
    response = client.post(
        "/api/v1/groups/search", {"lat": 91, "lon": 10}, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert _no_store(response)


def test_the_finder_by_position_is_not_stored(client):
    assert _no_store(client.post("/grupper/", POSITION))
    assert _no_store(client.get("/grupper/", POSITION))


@pytest.mark.parametrize("role", ["member", "seeker", "contact_point_staff", "national_admin"])
def test_every_page_of_a_logged_in_person_is_not_stored(roles, role):
    client = client_for(roles, role)
    group = roles.group
    urls = ["/", "/grupper/", group.get_absolute_url(), reverse("groups:mine")]
    if role == "member":
        urls.append(group.inside_url("groups:inside"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_a_members_calendar_feed_is_not_stored(roles, client):
    feed = calendar_feed_renew(user=roles.user("member"))
    response = client.get(reverse("meetings:feed", kwargs={"token": feed.token}))
    assert response.status_code == 200
    assert _no_store(response)


def test_public_pages_for_anonymous_visitors_stay_cacheable(roles, client):
    for url in ("/", "/grupper/", roles.group.get_absolute_url(), "/api/v1/groups"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not _no_store(response), url
