"""Rate limits on join requests, interest registrations, absence notices and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse

from core.ratelimit import Rate, parse_rates
from groups.models import Group
from interest.models import InterestRegistration
from joining.models import JoinRequest
from tests.conftest import login
from tests.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_rates_are_parsed_like_allauths():
    assert parse_rates("10/h/user, 30/15m/ip") == [Rate(10, 3600, "user"), Rate(30, 900, "ip")]
    assert parse_rates("") == []
    with pytest.raises(ImproperlyConfigured):
        parse_rates("ten per hour")


@override_settings(SELVHJELP_RATE_LIMITS={"join_request": "3/h/user"})
def test_join_requests_are_limited_per_user_with_a_clear_message(client):
    user = UserFactory()
    login(client, user)
    groups = [GroupFactory(state=Group.State.FORMING) for _ in range(4)]
    statuses = []
    for group in groups:
        url = reverse("joining:request", kwargs={"slug": group.slug})
        statuses.append(client.post(url, {"message": ""}).status_code)

    assert statuses == [302, 302, 302, 429]
    assert not JoinRequest.objects.filter(group=groups[3]).exists()
    assert not groups[3].memberships.filter(user=user).exists()


@override_settings(SELVHJELP_RATE_LIMITS={"join_request": "1/h/user"}, LANGUAGE_CODE="en")
def test_the_429_page_speaks_the_users_language_and_says_when_to_retry(client):
    login(client, UserFactory())
    group = GroupFactory(state=Group.State.FORMING)
    url = reverse("joining:request", kwargs={"slug": group.slug})
    client.post(url, {"message": ""})

    response = client.post(url, {"message": ""}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in response.content.decode()
    assert "Content-Security-Policy" in response


@override_settings(SELVHJELP_RATE_LIMITS={"join_request": "2/h/user"})
def test_reading_the_form_uses_up_nothing(client):
    login(client, UserFactory())
    group = GroupFactory(state=Group.State.FORMING)
    url = reverse("joining:request", kwargs={"slug": group.slug})
    for _ in range(5):
        assert client.get(url).status_code == 200


@override_settings(SELVHJELP_RATE_LIMITS={"join_request": "100/h/user,2/h/ip"})
def test_one_address_is_limited_across_accounts():
    groups = [GroupFactory(state=Group.State.FORMING) for _ in range(3)]
    statuses = []
    for group in groups:
        client = Client(REMOTE_ADDR="203.0.113.9")
        login(client, UserFactory())
        url = reverse("joining:request", kwargs={"slug": group.slug})
        statuses.append(client.post(url, {"message": ""}).status_code)
    assert statuses == [302, 302, 429]
    # Another address is not affected.
    client = Client(REMOTE_ADDR="203.0.113.10")
    login(client, UserFactory())
    url = reverse("joining:request", kwargs={"slug": groups[2].slug})
    assert client.post(url, {"message": ""}).status_code == 302


@override_settings(
    SELVHJELP_RATE_LIMITS={"join_request": "100/h/user,2/h/ip"}, ALLAUTH_TRUSTED_PROXY_COUNT=1
)
def test_behind_the_proxy_the_forwarded_address_counts():
    groups = [GroupFactory(state=Group.State.FORMING) for _ in range(3)]
    statuses = []
    for i, group in enumerate(groups):
        # Same proxy, different visitors: each gets its own allowance.
        client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.{i + 1}")
        login(client, UserFactory())
        url = reverse("joining:request", kwargs={"slug": group.slug})
        statuses.append(client.post(url, {"message": ""}).status_code)
    assert statuses == [302, 302, 302]


@override_settings(SELVHJELP_RATE_LIMITS={"interest": "2/h/user"})
def test_interest_registrations_are_limited(client):
    login(client, UserFactory())
    url = reverse("interest:register")
    statuses = [client.post(url, {"theme": "", "format": "digital"}).status_code for _ in range(3)]
    assert statuses[2] == 429
    assert not InterestRegistration.objects.exists()


@override_settings(SELVHJELP_RATE_LIMITS={"api": "3/m/ip"})
def test_the_api_answers_429_in_json(client):
    url = "/api/v1/places?q=Oslo"
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(url)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == "rate_limited" and body["detail"]


def test_allauth_keeps_its_own_login_limits(settings):
    limits = settings.ACCOUNT_RATE_LIMITS
    assert limits["login_failed"] and limits["login"] and limits["signup"]
    assert limits["reset_password"]


def test_allauth_limits_failed_logins(client):
    """After five wrong passwords for one address even the right one is refused for now."""
    user = UserFactory(email="laas@example.org")
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": user.email, "password": "feil-passord"})

    response = client.post(url, {"login": user.email, "password": "correct horse battery"})

    assert response.status_code == 200  # the form again, with allauth's message
    assert "_auth_user_id" not in client.session


@override_settings(SELVHJELP_RATE_LIMITS={"absence": "3/h/ip"})
def test_absence_links_are_limited_per_address_even_when_only_read(client):
    # Unknown tokens answer 404, but every try counts: guessing is slowed down.
    statuses = [client.get(f"/fravar/gjetting-{i}/").status_code for i in range(4)]
    assert statuses == [404, 404, 404, 429]
