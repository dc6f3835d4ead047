"""A seeker signs up and logs in with a code alone: by e-mail, or by a text to a mobile number.

No password to make up (one can be added later on the profile); staff keep
password + TOTP and get no code. The pages answer the same whether an address
or number is known, new or staff's.
"""

from __future__ import annotations

import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent
from notifications.models import OutgoingMessage
from notifications.services import enqueue
from privacy.deletion import account_delete
from privacy.export import user_data_export
from tests.factories import ContactPointFactory, StaffRoleFactory, UserFactory

NOW = "2026-03-10 12:00:00+01:00"
NUMBER = "+4791234567"


pytestmark = pytest.mark.usefixtures("sms_outbox")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{6})\b")


def code_in(text: str) -> str:
    match = CODE.search(text)
    assert match, text
    return match.group(1)


def logged_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value else None


def phone_signup(client, phone="912 34 567", name="Fjellrev", **extra):
    return client.post(
        reverse("account_signup_phone"), {"phone": phone, "display_name": name, **extra}
    )


@pytest.mark.django_db
def test_email_code_signup_needs_no_password(client):
    response = client.post(
        reverse("account_signup"), {"email": "ny@example.org", "display_name": "Fjellrev"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="ny@example.org")
    assert not user.has_usable_password()

    code = code_in(mail.outbox[-1].body)
    response = client.post(reverse("account_email_verification_sent"), {"code": code})

    assert response.status_code == 302
    assert logged_in_as(client) == user.pk
    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_phone_code_signup_texts_a_code_that_names_no_group_and_logs_in(client, sms_outbox):
    response = phone_signup(client, next="/interesse/ny/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_confirm_login_code"))
    user = User.objects.get(phone=NUMBER)
    assert user.email is None
    assert not user.phone_verified
    assert not user.has_usable_password()
    assert [m["to"] for m in sms_outbox] == [NUMBER]
    text = sms_outbox[0]["text"]
    assert text.startswith("Koden din til Selvhjelp")

    response = client.post(
        reverse("account_confirm_login_code"), {"code": code_in(text), "next": "/interesse/ny/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/interesse/ny/"
    assert logged_in_as(client) == user.pk
    user.refresh_from_db()
    assert user.phone_verified
    assert AuditEvent.objects.filter(
        event=AuditEvent.Event.ACCOUNT_PHONE_CONFIRMED, target_id=str(user.pk)
    ).exists()


@pytest.mark.django_db
def test_phone_signup_writes_codes_to_the_file_backend(client, settings, tmp_path):
    settings.SELVHJELP_SMS_BACKEND = "notifications.sms.FileBackend"
    settings.SELVHJELP_SMS_FILE = str(tmp_path / "sms.jsonl")

    phone_signup(client)

    line = (tmp_path / "sms.jsonl").read_text(encoding="utf-8")
    assert NUMBER in line


@pytest.mark.django_db
def test_phone_signup_of_a_known_number_logs_in_to_that_account(client, sms_outbox):
    owner = UserFactory(phone=NUMBER, phone_verified=True)

    response = phone_signup(client, name="Noen andre")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    assert User.objects.filter(phone=NUMBER).count() == 1
    client.post(reverse("account_confirm_login_code"), {"code": code_in(sms_outbox[0]["text"])})
    assert logged_in_as(client) == owner.pk
    owner.refresh_from_db()
    assert owner.display_name != "Noen andre"


@pytest.mark.django_db
def test_a_second_try_reuses_the_account_waiting_for_its_first_code(client):
    phone_signup(client, name="Fjellrev")
    phone_signup(client, name="Fjellrype")

    assert list(User.objects.filter(phone=NUMBER).values_list("display_name", flat=True)) == [
        "Fjellrype"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["22 33 44 55", "12345", "ikke et nummer"])
def test_phone_signup_explains_a_number_that_cannot_get_a_text(client, phone, sms_outbox):
    response = phone_signup(client, phone=phone)

    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not User.objects.exists()
    assert sms_outbox == []


@pytest.mark.django_db
def test_login_by_code_to_a_confirmed_number(client, sms_outbox):
    user = UserFactory(phone=NUMBER, phone_verified=True)

    response = client.post(reverse("account_request_login_code"), {"phone": "91234567"})

    assert response.status_code == 302
    client.post(reverse("account_confirm_login_code"), {"code": code_in(sms_outbox[0]["text"])})
    assert logged_in_as(client) == user.pk


@pytest.mark.django_db
def test_an_unconfirmed_number_on_a_profile_does_not_log_in(client, sms_outbox):
    UserFactory(phone=NUMBER, phone_verified=False)

    response = client.post(reverse("account_request_login_code"), {"phone": NUMBER})

    # The same answer as for a known number, but nothing is sent.
    assert response.status_code == 302
    assert sms_outbox == []


@pytest.mark.django_db
def test_login_by_code_by_email(client):
    user = UserFactory(email="kari@example.org")

    client.post(reverse("account_request_login_code"), {"email": "kari@example.org"})
    client.post(reverse("account_confirm_login_code"), {"code": code_in(mail.outbox[-1].body)})

    assert logged_in_as(client) == user.pk


@pytest.mark.django_db
def test_a_password_can_be_added_later_on_the_profile(client):
    user = UserFactory(email="kari@example.org")
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("account_set_password") in profile
    response = client.post(
        reverse("account_set_password"),
        {"password1": "lang-og-trygg-frase-42", "password2": "lang-og-trygg-frase-42"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("lang-og-trygg-frase-42")
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("account_change_password") in profile


@pytest.mark.django_db
def test_staff_get_no_login_code_by_email_and_are_told_why(client):
    staff = UserFactory(email="ansatt@example.org")
    StaffRoleFactory(user=staff, contact_point=ContactPointFactory())

    response = client.post(reverse("account_request_login_code"), {"email": "ansatt@example.org"})

    assert response.status_code == 302  # the same answer as for anyone
    assert len(mail.outbox) == 1
    assert "passord" in mail.outbox[0].body
    assert not CODE.search(mail.outbox[0].body)
    client.post(reverse("account_confirm_login_code"), {"code": "ABC123"})
    assert logged_in_as(client) is None


@pytest.mark.django_db
def test_staff_get_no_login_code_by_text(client, sms_outbox):
    staff = UserFactory(phone=NUMBER, phone_verified=True, is_staff=True)

    client.post(reverse("account_request_login_code"), {"phone": NUMBER})
    phone_signup(client)

    assert all("ansatte" in m["text"].lower() for m in sms_outbox)
    assert len(sms_outbox) == 2
    assert User.objects.filter(phone=NUMBER).get() == staff
    assert logged_in_as(client) is None


@pytest.mark.django_db
def test_changing_the_number_on_the_profile_unconfirms_it(client):
    user = UserFactory(phone=NUMBER, phone_verified=True)
    client.force_login(user)

    client.post(
        reverse("accounts:profile_edit"),
        {"display_name": user.display_name, "phone": "+4798765432", "language": "nb"},
    )

    user.refresh_from_db()
    assert (user.phone, user.phone_verified) == ("+4798765432", False)


@pytest.mark.django_db
def test_requesting_codes_for_one_number_is_rate_limited(client, sms_outbox):
    UserFactory(phone=NUMBER, phone_verified=True)

    for _ in range(5):
        client.post(reverse("account_request_login_code"), {"phone": NUMBER})
        client.cookies.clear()

    assert len(sms_outbox) == 3


@pytest.mark.django_db
def test_phone_signup_is_rate_limited_per_number(client, sms_outbox):
    for _ in range(4):
        response = phone_signup(client)
        client.cookies.clear()

    assert response.status_code == 200
    assert "Wait a little" in response.content.decode() or "Vent litt" in response.content.decode()
    assert len(sms_outbox) == 3


@pytest.mark.django_db
def test_phone_signup_ignores_a_next_url_on_another_site(client):
    response = phone_signup(client, next="https://example.com/")
    assert response["Location"] == reverse("account_confirm_login_code")


@pytest.mark.django_db
def test_a_number_only_account_is_exported_and_deleted_like_any_other(client):
    user = UserFactory(email=None, phone=NUMBER, phone_verified=True, verified=False)

    profile = user_data_export(user=user)["profile"]
    assert (profile["email"], profile["phone"], profile["phone_confirmed"]) == (None, NUMBER, True)
    assert account_delete(user_id=user.pk)
    assert not User.objects.filter(phone=NUMBER).exists()


@pytest.mark.django_db
def test_messages_to_an_account_without_email_go_by_text(client):
    user = UserFactory(email=None, phone=NUMBER, phone_verified=True, verified=False)

    message = enqueue(key="test:sms-fallback", kind="join_welcome", recipient=user)

    assert message is not None
    assert message.channel == OutgoingMessage.Channel.SMS


@pytest.mark.django_db
def test_asking_for_a_code_with_neither_address_nor_number_is_explained(client):
    response = client.post(reverse("account_request_login_code"), {"email": "", "phone": ""})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
