"""The audit trail: what is recorded, what is not, and the national admins' page."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import AuditEvent
from organisations.models import StaffRole
from tests.conftest import login
from tests.factories import GroupFactory, StaffRoleFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db

PAGE = "/personale/revisjon/"


PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def verified_user(email: str):
    return UserFactory(email=email)


def national_admin_client(client):
    admin = StaffRoleFactory(
        kind=StaffRole.Kind.NATIONAL_ADMIN, district=None, contact_point=None
    ).user
    give_totp(admin)
    login(client, admin, mfa=True)
    return client, admin


def test_a_login_and_a_logout_are_audited(client):
    user = verified_user("inn.og.ut@example.org")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("account_logout"))

    events = list(AuditEvent.objects.filter(actor=user).values_list("event", flat=True))
    assert "account.login" in events and "account.logout" in events


def test_a_failed_login_is_audited_without_the_typed_address(client):
    user = verified_user("feiler@example.org")
    client.post(reverse("account_login"), {"login": "FEILER@example.org", "password": "galt-ord"})
    client.post(reverse("account_login"), {"login": "ukjent@example.org", "password": "galt-ord"})

    failures = list(
        AuditEvent.objects.filter(event=AuditEvent.Event.ACCOUNT_LOGIN_FAILED).order_by("pk")
    )
    assert len(failures) == 2
    assert failures[0].target_id == str(user.pk)
    assert failures[1].target_id == ""
    for event in failures:
        stored = repr(event.data) + event.target_id + event.target_type
        assert "feiler" not in stored.lower() and "ukjent" not in stored
        assert "galt-ord" not in stored
        assert len(event.data["identifier"]) == 16


def test_the_same_address_gives_the_same_identifier(client):
    for _ in range(2):
        client.post(reverse("account_login"), {"login": "x@example.org", "password": "nei"})
    identifiers = AuditEvent.objects.filter(
        event=AuditEvent.Event.ACCOUNT_LOGIN_FAILED
    ).values_list("data__identifier", flat=True)
    assert len(set(identifiers)) == 1


def test_a_staff_role_granted_in_the_admin_is_audited():
    admin = UserFactory(is_staff=True, is_superuser=True)
    role = StaffRoleFactory()
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(StaffRole),
        object_id=str(role.pk),
        object_repr="x",
        action_flag=ADDITION,
    )
    event = AuditEvent.objects.get(event=AuditEvent.Event.ROLE_GRANTED, target_id=str(role.pk))
    assert event.actor_id == admin.pk


def test_the_page_lists_events_and_filters_by_family(client):
    client, _ = national_admin_client(client)
    AuditEvent.objects.create(
        event=AuditEvent.Event.ACCOUNT_LOGIN, target_type="accounts.user", target_id="7"
    )
    AuditEvent.objects.create(
        event=AuditEvent.Event.MFA_ADDED, target_type="accounts.user", target_id="7"
    )

    page = client.get(PAGE).content.decode()
    assert "account.login" in page and "mfa.added" in page

    filtered = client.get(PAGE, {"event": "mfa.*"})
    assert filtered.status_code == 200
    body = filtered.content.decode()
    assert "mfa.added" in body
    assert "<code>account.login</code>" not in body


def test_an_unknown_filter_is_a_message_not_an_error(client):
    client, _ = national_admin_client(client)
    response = client.get(PAGE, {"event": "<script>"})
    assert response.status_code == 400
    assert "ds-validation-message" in response.content.decode()


def test_the_page_shows_no_sensitive_content(client):
    client, _ = national_admin_client(client)
    group = GroupFactory(name="Hemmelig gruppenavn", description="Om sorg og tap")
    AuditEvent.objects.create(
        event=AuditEvent.Event.GROUP_UPDATED,
        target_type="groups.group",
        target_id=str(group.pk),
        data={"fields": ["name"], "note": "Om sorg og tap", "count": 3},
    )
    body = client.get(PAGE).content.decode()
    assert "Hemmelig gruppenavn" not in body
    assert "Om sorg og tap" not in body
    assert "count=3" in body and "note" in body


def test_the_page_is_paginated_with_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    client, _ = national_admin_client(client)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            event=AuditEvent.Event.ACCOUNT_LOGIN, target_type="accounts.user", target_id=str(i)
        )
        for i in range(120)
    )
    with django_assert_max_num_queries(12):
        first = client.get(PAGE)
    assert first.status_code == 200
    assert first.content.decode().count("<code>account.login</code>") == 50
    third = client.get(PAGE, {"page": "3"}).content.decode()
    assert third.count("<code>account.login</code>") == 20
    assert client.get(PAGE, {"page": "zzz"}).status_code == 200


def test_only_national_admins_see_it(client):
    staff = StaffRoleFactory().user
    give_totp(staff)
    login(client, staff, mfa=True)
    assert client.get(PAGE).status_code == 404
