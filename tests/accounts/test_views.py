from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import AuditEvent
from tests.conftest import login
from tests.factories import UserFactory


@pytest.fixture
def member_client(client, db):
    user = UserFactory(display_name="Kari", language="nb")
    login(client, user)
    return client, user


def test_profile_edit_saves_normalised_phone_and_language(member_client):
    client, user = member_client

    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": " Fjellrev ", "phone": "412 34 567", "language": "en"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert (user.display_name, user.phone, user.language) == ("Fjellrev", "+4741234567", "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert AuditEvent.objects.get(event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED).data == {
        "fields": ["display_name", "phone", "language"]
    }


def test_nynorsk_can_be_chosen_on_the_profile(member_client):
    client, user = member_client
    form = client.get(reverse("accounts:profile_edit")).content.decode()
    assert '<option value="nn">Norsk nynorsk</option>' in form

    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Kari", "phone": "", "language": "nn"},
        follow=True,
    )

    user.refresh_from_db()
    assert user.language == "nn"
    page = response.content.decode()
    assert '<html lang="nn">' in page
    assert "Profilen din er lagra." in page


def test_profile_edit_explains_an_invalid_phone_number(member_client):
    client, user = member_client

    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Kari", "phone": "123", "language": "nb"},
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["phone"]
    assert error.code == "invalid_phone"
    assert error.messages[0] in response.content.decode()
    user.refresh_from_db()
    assert user.phone == ""


def test_profile_edit_may_clear_the_phone_number(member_client):
    client, user = member_client
    user.phone = "+4741234567"
    user.save()

    client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Kari", "phone": "", "language": "nb"},
    )

    user.refresh_from_db()
    assert user.phone == ""


def test_profile_edit_cannot_touch_staff_flags(member_client):
    client, user = member_client

    client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Kari",
            "phone": "",
            "language": "nb",
            "is_staff": "on",
            "is_superuser": "on",
            "email": "ny@example.org",
        },
    )

    user.refresh_from_db()
    assert not user.is_staff
    assert not user.is_superuser
    assert user.email != "ny@example.org"


def test_the_profile_language_applies_at_login_whatever_the_browser_asks_for(client, db):
    user = UserFactory(email="bokmal@example.org", language="nb")

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct horse battery"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["max-age"]) == ("nb", settings.LANGUAGE_COOKIE_AGE)
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert '<html lang="nb">' in page.content.decode()


def test_a_nynorsk_profile_overrides_a_language_chosen_before_login(client, db):
    user = UserFactory(email="nynorsk@example.org", language="nn")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct horse battery"}
    )

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nn"
