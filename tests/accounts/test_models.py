from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User


@pytest.mark.django_db
def test_email_is_unique_regardless_of_case():
    User.objects.create_user("Kari.Nordmann@example.org", "x", display_name="Kari")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("kari.nordmann@EXAMPLE.ORG", "x", display_name="Kari 2")


@pytest.mark.django_db
def test_manager_lowercases_the_domain_only():
    user = User.objects.create_user("Kari@EXAMPLE.org", "x", display_name="Kari")
    assert user.email == "Kari@example.org"


@pytest.mark.django_db
def test_clean_normalises_the_phone_number():
    user = User(email="a@example.org", display_name="Anna", phone="412 34 567")
    user.clean()
    assert user.phone == "+4741234567"


def test_a_user_is_shown_by_display_name_only():
    user = User(email="kari@example.org", display_name="Fjellrev")
    assert str(user) == "Fjellrev"
    assert user.get_full_name() == "Fjellrev"
    assert user.get_short_name() == "Fjellrev"
