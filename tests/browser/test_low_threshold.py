"""A seeker on a phone gets onto an interest list with only an e-mail address and a code.

No password to make up, at 375 px, with axe clean on every page passed; the
same with only a mobile number and a texted code.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from interest.models import InterestRegistration
from notifications.sms import LocmemBackend
from tests.factories import KommuneFactory, ThemeFactory

from .conftest import CODE_RE, code_from_last_mail, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def _register_interest(page, live_server, axe_check, theme):
    assert page.url == live_server.url + "/interesse/ny/"
    axe_check(page)
    page.select_option("#id_theme", theme.slug)
    page.fill("#id_place", "Axeby")
    submit(page)
    assert page.url == live_server.url + "/interesse/"
    assert page.get_by_text("Samlivsbrudd").first.is_visible()
    axe_check(page)


def test_seeker_joins_an_interest_list_with_only_an_email_and_a_code(page, live_server, axe_check):
    KommuneFactory(name="Axeby")
    theme = ThemeFactory(name_nb="Samlivsbrudd")
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/interesse/ny/")
    assert "/konto/login/" in page.url  # the list needs an account
    axe_check(page)
    with page.expect_navigation():
        page.locator("main a[href^='/konto/signup/']").first.click()
    axe_check(page)
    assert page.locator("#id_password1").count() == 0

    page.fill("#id_email", "fjellrev@example.org")
    page.fill("#id_display_name", "Fjellrev")
    submit(page)
    assert "/konto/confirm-email/" in page.url
    axe_check(page)

    _subject, code = code_from_last_mail("fjellrev@example.org")
    page.fill("#id_code", code)
    submit(page)

    _register_interest(page, live_server, axe_check, theme)
    user = User.objects.get(email="fjellrev@example.org")
    assert not user.has_usable_password()
    assert InterestRegistration.objects.filter(user=user, theme=theme).exists()


def test_seeker_joins_an_interest_list_with_only_a_mobile_number(
    page, live_server, axe_check, settings
):
    settings.SELVHJELP_SMS_BACKEND = "notifications.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    KommuneFactory(name="Axeby")
    theme = ThemeFactory(name_nb="Samlivsbrudd")
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/interesse/ny/")
    with page.expect_navigation():
        page.locator("main a[href^='/konto/signup/']").first.click()
    with page.expect_navigation():
        page.locator("main a[href^='/konto/signup/mobil/']").first.click()
    axe_check(page)

    page.fill("#id_phone", "912 34 567")
    page.fill("#id_display_name", "Fjellrev")
    submit(page)
    assert "/konto/login/code/confirm/" in page.url
    axe_check(page)

    (message,) = LocmemBackend.outbox
    assert message["to"] == "+4791234567"
    assert "Samlivsbrudd" not in message["text"]
    code = CODE_RE.search(message["text"].split(":")[-1]).group(1)
    page.fill("#id_code", code)
    submit(page)

    _register_interest(page, live_server, axe_check, theme)
    user = User.objects.get(phone="+4791234567")
    assert user.email is None and user.phone_verified
    assert InterestRegistration.objects.get(user=user).contact_by == "sms"
    LocmemBackend.outbox.clear()
