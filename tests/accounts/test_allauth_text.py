"""allauth's pages, messages and e-mails speak the platform's plain language.

The pages and e-mails are our templates (``templates/account/``,
``templates/mfa/``), the error messages our adapters', and the few labels
allauth builds in Python are translated in our catalogue
(``accounts/allauth_text.py``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import allauth
import pytest
from django.core import mail
from django.urls import reverse

from accounts.adapter import AccountAdapter, MFAAdapter
from accounts.allauth_text import LABELS
from tests.conftest import login
from tests.factories import UserFactory, give_totp
from tests.test_translations import _visible_text, read_po

ALLAUTH = Path(allauth.__file__).parent
PUBLIC_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_request_login_code",
    "account_signup_phone",
]
LOGGED_IN_PAGES = [
    "account_email",
    "account_change_password",
    "account_reauthenticate",
    "mfa_index",
]
STIFF = re.compile(r"vennligst|venlegst|Hei fra|autentiser deg", re.IGNORECASE)


@cache
def allauth_msgids() -> frozenset[str]:
    _header, entries = read_po(ALLAUTH / "locale" / "nb" / "LC_MESSAGES" / "django.po")
    return frozenset(entry.msgid for entry in entries)


def test_the_labels_we_translate_are_allauths_own():
    """An allauth upgrade that rewords one of them must show up here."""
    missing = sorted(set(LABELS) - allauth_msgids())
    assert not missing, f"No longer allauth's msgids: {missing}"


def test_the_adapters_replace_every_error_message_a_page_can_show():
    """Each key allauth may raise is ours, not allauth's English, except phone
    and username ones (there is neither on this platform)."""
    theirs = allauth_msgids()
    for adapter in (AccountAdapter, MFAAdapter):
        for key, message in adapter.error_messages.items():
            if key.startswith(("phone", "username", "unknown_phone")):
                continue
            assert str(message) not in theirs, f"{adapter.__name__}: {key}"


def english_left(text: str) -> list[str]:
    """allauth's English (its msgids) still on a Norwegian page."""
    return [
        msgid
        for msgid in allauth_msgids()
        if len(msgid) >= 4
        and "%" not in msgid
        and re.search(r"(?<!\w)" + re.escape(msgid) + r"(?!\w)", text)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "nn"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_account_pages_are_plain_norwegian(client, name, language):
    text = _visible_text(client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language).content)
    assert not STIFF.search(text), STIFF.search(text)
    assert "Logg inn" in text
    assert not english_left(text)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "nn"])
@pytest.mark.parametrize("name", LOGGED_IN_PAGES)
def test_account_pages_after_login_are_plain_norwegian(client, name, language):
    user = UserFactory(language=language)
    give_totp(user)
    login(client, user, mfa=True)
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    text = _visible_text(response.content)
    assert not STIFF.search(text), STIFF.search(text)
    assert not english_left(text)


@pytest.mark.django_db
def test_password_help_is_a_short_list(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    content = client.get(reverse("account_set_password")).content.decode()
    items = re.findall(r"<li>([^<]+)</li>", content.split('id="id_password1_helptext"', 1)[1])
    assert items[:4] == [
        "Minst 10 tegn.",
        "Ikke bare tall.",
        "Ikke et vanlig passord.",
        "Ikke likt e-postadressen eller navnet ditt.",
    ]


@pytest.mark.django_db
def test_the_sign_up_code_greets_by_name_and_names_no_host(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "fjellrev@example.org",
            "display_name": "Fjellrev",
        },
    )
    (message,) = mail.outbox
    assert message.subject == "Selvhjelp: Bekreft e-postadressen din"
    assert message.body.startswith("Hei, Fjellrev!\n")
    assert "testserver" not in message.body and "127.0.0.1" not in message.body
    assert not STIFF.search(message.body)
    assert re.search(r"^[A-Z0-9]{3,}(-[A-Z0-9]{3,})*$", message.body, re.MULTILINE)
    assert message.body.rstrip().endswith("Vennlig hilsen Selvhjelp")


@pytest.mark.django_db
def test_a_wrong_password_is_told_plainly(client):
    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "ikke dette"}
    )
    assert "E-postadressen eller passordet stemmer ikke." in response.content.decode()
