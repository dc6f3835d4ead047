"""StaffMFAMiddleware: staff pages need TOTP set up *and* a session that used it."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
import time_machine
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.urls import reverse

from accounts.adapter import MFAAdapter
from organisations.models import StaffRole
from tests.conftest import login
from tests.factories import StaffRoleFactory, UserFactory, give_totp

STAFF_HOME = "/personale/"


def current_code(authenticator: Authenticator) -> str:
    return format_hotp_value(hotp_value(authenticator.data["secret"], int(time.time()) // 30))


@pytest.fixture
def staff(db):
    return StaffRoleFactory().user


@pytest.fixture
def staff_with_totp(staff):
    give_totp(staff)
    return staff


def test_staff_without_totp_are_sent_to_set_it_up(client, staff):
    login(client, staff)

    response = client.get(STAFF_HOME)

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("mfa_activate_totp") + "?next=" + quote(STAFF_HOME, safe="")
    )


def test_a_mfa_record_alone_does_not_replace_a_totp_authenticator(client, staff):
    login(client, staff, mfa=True)
    assert client.get(STAFF_HOME)["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_with_totp_and_a_password_only_session_are_asked_for_a_code(client, staff_with_totp):
    login(client, staff_with_totp, mfa=False)

    response = client.get("/personale/distrikt/x/?a=1")

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("mfa_reauthenticate") + "?next=" + quote("/personale/distrikt/x/?a=1", safe="")
    )


def test_staff_with_a_totp_session_get_in(client, staff_with_totp):
    login(client, staff_with_totp, mfa=True)
    assert client.get(STAFF_HOME).status_code == 200


def test_typing_the_code_confirms_the_session(client, staff_with_totp):
    """The real allauth step writes the record that ``login(mfa=True)`` imitates."""
    login(client, staff_with_totp, mfa=False)
    totp = Authenticator.objects.get(user=staff_with_totp)

    # The code is made and checked within the same 30-second step.
    with time_machine.travel(time.time(), tick=False):
        response = client.post(
            reverse("mfa_reauthenticate") + "?next=/personale/", {"code": current_code(totp)}
        )

    assert response.status_code == 302
    assert response["Location"] == STAFF_HOME
    assert client.get(STAFF_HOME).status_code == 200


def test_a_wrong_code_keeps_the_door_shut(client, staff_with_totp):
    login(client, staff_with_totp, mfa=False)

    response = client.post(reverse("mfa_reauthenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert client.get(STAFF_HOME)["Location"].startswith(reverse("mfa_reauthenticate"))


def test_mfa_records_of_another_user_do_not_count(client, staff_with_totp):
    login(client, staff_with_totp, mfa=False)
    other = UserFactory()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "mfa", "type": "totp", "at": time.time()}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(other.pk)
    session.save()

    assert client.get(STAFF_HOME)["Location"].startswith(reverse("mfa_reauthenticate"))


def test_admin_is_a_staff_area_too(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    give_totp(admin)
    login(client, admin, mfa=False)

    assert client.get("/admin/")["Location"].startswith(reverse("mfa_reauthenticate"))
    login(client, admin, mfa=True)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("kind", ["initiator", "contact_point_staff"])
def test_every_staff_role_counts_as_staff(client, db, kind):
    user = StaffRoleFactory(kind=kind).user
    login(client, user)
    assert client.get(STAFF_HOME)["Location"].startswith(reverse("mfa_activate_totp"))


def test_non_staff_are_not_redirected(client, db):
    login(client, UserFactory())

    assert client.get(STAFF_HOME).status_code == 404
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_pages_outside_the_staff_area_need_no_mfa(client, staff):
    login(client, staff)

    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get(reverse("groups:mine")).status_code == 200
    # The way out stays open.
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302


def test_anonymous_visitors_meet_login_required_not_the_middleware(client, db):
    response = client.get(STAFF_HOME)
    assert response["Location"] == reverse("account_login") + "?next=" + STAFF_HOME


# --- Staff keep their second factor ---------------------------------------------


def reauthenticated(client, user):
    """Mark the session as freshly re-authenticated, as allauth does after the prompt."""
    session = client.session
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
    records.append({"method": "password", "at": time.time(), "reauthenticated": True})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def test_the_mfa_adapter_refuses_to_delete_a_staff_authenticator(staff_with_totp):
    authenticator = Authenticator.objects.get(user=staff_with_totp)
    assert MFAAdapter().can_delete_authenticator(authenticator) is False


def test_the_mfa_adapter_lets_others_delete_theirs(db):
    user = UserFactory()
    authenticator = give_totp(user)
    assert MFAAdapter().can_delete_authenticator(authenticator) is True


def test_staff_cannot_deactivate_totp_through_allauth(client, staff_with_totp):
    login(client, staff_with_totp, mfa=True)
    reauthenticated(client, staff_with_totp)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200  # the form, with the refusal
    assert Authenticator.objects.filter(user=staff_with_totp, type="totp").exists()


def test_non_staff_can_deactivate_totp(client, db):
    user = UserFactory()
    give_totp(user)
    login(client, user, mfa=True)
    reauthenticated(client, user)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type="totp").exists()


def test_losing_the_last_staff_role_lets_one_deactivate_again(client, staff_with_totp):
    StaffRole.objects.filter(user=staff_with_totp).delete()
    authenticator = Authenticator.objects.get(user=staff_with_totp)
    assert MFAAdapter().can_delete_authenticator(authenticator) is True


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "This page cannot be opened this way"),
        ("nb", "Denne siden kan ikke åpnes slik"),
    ],
)
def test_a_typed_address_of_a_form_action_answers_with_a_page(client, db, language, heading):
    member = UserFactory()
    login(client, member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get("/inne/noen-gruppe/forlat/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert heading in page
    assert reverse("groups:mine") in page
