"""Signing up asks for an e-mail address and a display name only: no password to make up."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User


def signup(client, **overrides):
    data = {"email": "ny@example.org", "display_name": "Fjellrev", **overrides}
    return client.post(reverse("account_signup"), data)


@pytest.mark.django_db
def test_signup_with_a_pseudonym_creates_an_unverified_account(client):
    response = signup(client, display_name="  Fjellrev  ")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="ny@example.org")
    assert user.display_name == "Fjellrev"
    assert user.language == "nb"
    assert not user.is_staff
    assert not EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_signup_form_asks_for_nothing_sensitive(client):
    form = client.get(reverse("account_signup")).context["form"]
    assert set(form.fields) == {"email", "display_name"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["kari@example.org", "www.example.org", "K"])
def test_signup_rejects_identifying_or_empty_display_names(client, name):
    response = signup(client, display_name=name)

    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert not User.objects.filter(email="ny@example.org").exists()


@pytest.mark.django_db
def test_signup_with_an_address_that_differs_only_in_case_creates_no_second_account(client):
    User.objects.create_user("kari@example.org", "x", display_name="Kari")

    signup(client, email="KARI@example.org")

    assert User.objects.filter(email__iexact="kari@example.org").count() == 1
