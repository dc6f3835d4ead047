from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from accounts.services import user_update_profile
from core.models import AuditEvent
from tests.factories import UserFactory


@pytest.mark.django_db
def test_profile_change_is_audited_by_field_name_without_values():
    user = UserFactory(display_name="Gammelt Navn", phone="", language="nb")

    user_update_profile(user=user, display_name="Nytt Navn", phone="+4741234567", language="nb")

    user.refresh_from_db()
    assert (user.display_name, user.phone) == ("Nytt Navn", "+4741234567")
    event = AuditEvent.objects.get(event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED)
    assert event.actor == user
    assert event.target_id == str(user.pk)
    assert event.data == {"fields": ["display_name", "phone"]}
    recorded = json.dumps(event.data) + event.target_type + event.target_id
    for value in ("Gammelt Navn", "Nytt Navn", "41234567"):
        assert value not in recorded


@pytest.mark.django_db
def test_saving_an_unchanged_profile_records_nothing():
    user = UserFactory(display_name="Samme", phone="+4741234567", language="en")

    user_update_profile(user=user, display_name="Samme", phone="+4741234567", language="en")

    assert not AuditEvent.objects.filter(event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED).exists()


@pytest.mark.django_db
def test_profile_service_refuses_invalid_values():
    user = UserFactory(display_name="Kari")

    with pytest.raises(ValidationError):
        user_update_profile(user=user, display_name="kari@example.org", phone="", language="nb")

    assert not AuditEvent.objects.filter(event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED).exists()
