"""A member confirms the mobile number on the profile with a texted code.

A number typed on the profile (or kept from before login by number) is
unconfirmed: it does not log in. "Send code" texts a code (allauth's phone
verification process, the platform's SMS backend); typing it in confirms the
number. Wrong codes, an expired code and a number another account holds
confirmed are refused without confirming anything.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import User
from accounts.services import PhoneTaken, user_confirm_phone
from core.models import AuditEvent
from tests.conftest import login
from tests.factories import UserFactory

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
NUMBER = "+4791234567"
SEND = reverse("accounts:phone_send_code")
CONFIRM = reverse("accounts:phone_confirm")
PROFILE = reverse("accounts:profile")
CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


pytestmark = pytest.mark.usefixtures("sms_outbox")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def member(db):
    return UserFactory(phone=NUMBER, phone_verified=False, language="nb")


def last_code(outbox) -> str:
    match = CODE.search(outbox[-1]["text"])
    assert match, outbox[-1]["text"]
    return match.group(1)


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.django_db
def test_profile_shows_an_unconfirmed_number_with_a_send_code_button(client, clock, member):
    login(client, member)
    page = client.get(PROFILE).content.decode()
    assert "Ikke bekreftet" in page
    assert f'action="{SEND}"' in page
    assert "Send kode" in page


@pytest.mark.django_db
def test_a_confirmed_number_shows_as_confirmed_without_a_button(client, clock):
    user = UserFactory(phone=NUMBER, phone_verified=True)
    login(client, user)
    page = client.get(PROFILE).content.decode()
    assert "Bekreftet" in page
    assert SEND not in page


@pytest.mark.django_db
def test_the_texted_code_confirms_the_number_and_it_then_logs_in(client, clock, member, sms_outbox):
    login(client, member)
    response = client.post(SEND)
    assert response.status_code == 302 and response["Location"] == CONFIRM
    (sms,) = sms_outbox
    assert sms["to"] == NUMBER
    assert sms["text"].startswith("Koden din til Selvhjelp:")
    page = client.get(CONFIRM)
    assert page.status_code == 200
    assert NUMBER in page.content.decode()

    response = client.post(CONFIRM, {"code": last_code(sms_outbox)}, follow=True)

    assert response.redirect_chain[-1][0] == PROFILE
    assert "Mobilnummeret ditt er bekreftet." in page_messages(response)
    member.refresh_from_db()
    assert member.phone_verified
    assert AuditEvent.objects.filter(
        event=AuditEvent.Event.ACCOUNT_PHONE_CONFIRMED, target_id=member.pk
    ).exists()
    # The confirmed number is now a login: a login code reaches it.
    client.logout()
    sms_outbox.clear()
    client.post(reverse("account_request_login_code"), {"phone": "912 34 567"})
    client.post(reverse("account_confirm_login_code"), {"code": last_code(sms_outbox)})
    assert int(client.session[SESSION_KEY]) == member.pk


@pytest.mark.django_db
def test_a_code_may_be_typed_with_spaces_and_small_letters(client, clock, member, sms_outbox):
    login(client, member)
    client.post(SEND)
    code = last_code(sms_outbox).replace("-", " ").lower()
    client.post(CONFIRM, {"code": code})
    member.refresh_from_db()
    assert member.phone_verified


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_can_be_corrected(client, clock, member, sms_outbox):
    login(client, member)
    client.post(SEND)
    response = client.post(CONFIRM, {"code": "BBBB-BBBB"})
    assert response.status_code == 200
    assert "Koden stemmer ikke." in response.content.decode()
    member.refresh_from_db()
    assert not member.phone_verified

    client.post(CONFIRM, {"code": last_code(sms_outbox)})
    member.refresh_from_db()
    assert member.phone_verified


@pytest.mark.django_db
def test_three_wrong_codes_end_the_attempt_even_the_right_code_then_fails(
    client, clock, member, sms_outbox
):
    login(client, member)
    client.post(SEND)
    right = last_code(sms_outbox)
    for _ in range(2):
        assert client.post(CONFIRM, {"code": "BBBB-BBBB"}).status_code == 200
    response = client.post(CONFIRM, {"code": "BBBB-BBBB"}, follow=True)
    assert response.redirect_chain[-1][0] == PROFILE
    assert "For mange feil koder. Be om en ny kode." in page_messages(response)

    response = client.post(CONFIRM, {"code": right})
    assert response.status_code == 302 and response["Location"] == PROFILE
    member.refresh_from_db()
    assert not member.phone_verified


@pytest.mark.django_db
def test_an_expired_code_confirms_nothing(client, clock, member, sms_outbox):
    login(client, member)
    client.post(SEND)
    code = last_code(sms_outbox)
    clock.shift(datetime.timedelta(minutes=15, seconds=1))

    response = client.post(CONFIRM, {"code": code}, follow=True)

    assert response.redirect_chain[-1][0] == PROFILE
    assert "Koden er gått ut. Be om en ny." in page_messages(response)
    member.refresh_from_db()
    assert not member.phone_verified


@pytest.mark.django_db
def test_a_code_just_inside_its_time_still_works(client, clock, member, sms_outbox):
    login(client, member)
    client.post(SEND)
    clock.shift(datetime.timedelta(minutes=14, seconds=59))
    client.post(CONFIRM, {"code": last_code(sms_outbox)})
    member.refresh_from_db()
    assert member.phone_verified


@pytest.mark.django_db
def test_a_number_confirmed_on_another_account_is_refused_without_naming_it(
    client, clock, member, sms_outbox
):
    other = UserFactory(phone=NUMBER, phone_verified=True, display_name="Hemmelig Hegre")
    login(client, member)
    client.post(SEND)
    # The code goes out all the same: the page must not tell who has an account.
    assert len(sms_outbox) == 1

    response = client.post(CONFIRM, {"code": last_code(sms_outbox)}, follow=True)

    assert response.redirect_chain[-1][0] == PROFILE
    page = response.content.decode()
    assert "allerede bekreftet på en annen konto" in page
    assert "Hemmelig Hegre" not in page and (other.email or "@") not in page
    member.refresh_from_db()
    other.refresh_from_db()
    assert not member.phone_verified
    assert other.phone_verified


@pytest.mark.django_db
def test_the_service_refuses_a_number_held_by_a_closed_account_too(member):
    UserFactory(phone=NUMBER, phone_verified=True, is_active=False)
    with pytest.raises(PhoneTaken):
        user_confirm_phone(user=member, phone=NUMBER)
    member.refresh_from_db()
    assert not member.phone_verified


@pytest.mark.django_db
def test_sending_codes_is_rate_limited_per_number(client, clock, member, sms_outbox):
    login(client, member)
    client.post(SEND)
    first = last_code(sms_outbox)
    response = client.post(SEND, follow=True)
    assert len(sms_outbox) == 1
    assert response.redirect_chain[-1][0] == CONFIRM
    assert "For mange koder på kort tid." in " ".join(page_messages(response))
    # The first code still works.
    client.post(CONFIRM, {"code": first})
    member.refresh_from_db()
    assert member.phone_verified


@pytest.mark.django_db
def test_a_new_code_after_the_wait_replaces_the_old_one(client, clock, member, sms_outbox):
    login(client, member)
    client.post(SEND)
    old = last_code(sms_outbox)
    clock.shift(datetime.timedelta(seconds=31))
    client.post(SEND)
    assert len(sms_outbox) == 2
    new = last_code(sms_outbox)
    if old != new:
        assert client.post(CONFIRM, {"code": old}).status_code == 200
    client.post(CONFIRM, {"code": new})
    member.refresh_from_db()
    assert member.phone_verified


@pytest.mark.django_db
def test_changing_the_number_meanwhile_voids_the_code(client, clock, member, sms_outbox):
    login(client, member)
    client.post(SEND)
    code = last_code(sms_outbox)
    client.post(
        reverse("accounts:profile_edit"),
        {"display_name": member.display_name, "phone": "41234567", "language": "nb"},
    )
    response = client.post(CONFIRM, {"code": code})
    assert response.status_code == 302 and response["Location"] == PROFILE
    member.refresh_from_db()
    assert (member.phone, member.phone_verified) == ("+4741234567", False)


@pytest.mark.django_db
def test_saving_a_new_number_says_how_to_confirm_it(client, clock):
    user = UserFactory(phone=NUMBER, phone_verified=True)
    login(client, user)
    data = {"display_name": user.display_name, "language": "nb"}
    response = client.post(reverse("accounts:profile_edit"), {**data, "phone": NUMBER}, follow=True)
    assert not any("ikke bekreftet" in m for m in page_messages(response))
    response = client.post(
        reverse("accounts:profile_edit"), {**data, "phone": "41234567"}, follow=True
    )
    assert "Mobilnummeret ditt er ikke bekreftet ennå. Trykk «Send kode» for å bekrefte det." in (
        page_messages(response)
    )
    assert f'action="{SEND}"' in response.content.decode()


@pytest.mark.django_db
def test_nothing_to_confirm_goes_back_to_the_profile(client, clock, sms_outbox):
    for user in (
        UserFactory(phone=""),
        UserFactory(phone="+4799999999", phone_verified=True),
    ):
        login(client, user)
        assert client.post(SEND)["Location"] == PROFILE
        assert client.get(CONFIRM)["Location"] == PROFILE
    assert sms_outbox == []


@pytest.mark.django_db
def test_sending_a_code_is_post_only(client, member):
    login(client, member)
    assert client.get(SEND).status_code == 405


@pytest.mark.django_db
def test_the_code_text_names_no_group_and_follows_the_members_language(client, clock, sms_outbox):
    user = UserFactory(phone=NUMBER, language="nn")
    login(client, user)
    client.post(SEND)
    (sms,) = sms_outbox
    assert re.fullmatch(r"Koden din til Selvhjelp: [A-Z]{4}-[A-Z]{4}", sms["text"])


def test_the_confirmed_number_is_unique_in_the_database():
    constraint = {c.name for c in User._meta.constraints}
    assert "accounts_user_verified_phone_unique" in constraint


@pytest.mark.django_db
def test_a_number_only_account_keeps_its_login_number_until_it_has_an_address(client, clock):
    user = UserFactory(email=None, verified=False, phone=NUMBER, phone_verified=True)
    login(client, user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": user.display_name, "phone": "41234567", "language": "nb"},
    )
    assert response.status_code == 200
    assert "Du logger inn med dette nummeret" in response.content.decode()
    user.refresh_from_db()
    assert (user.phone, user.phone_verified) == (NUMBER, True)
    # The name can still be changed with the number as it is.
    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Nytt Navn", "phone": "912 34 567", "language": "nb"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.phone_verified) == ("Nytt Navn", True)
