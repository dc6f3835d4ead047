"""A member confirms the mobile number on the profile, on a phone."""

from __future__ import annotations

import re

import pytest

from accounts.models import User
from notifications.sms import LocmemBackend
from tests.factories import UserFactory

from .conftest import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
CODE = re.compile(r"\b([A-Z]{4}-[A-Z]{4})\b")


def test_member_confirms_the_profile_number_with_a_texted_code(
    open_as, live_server, axe_check, settings
):
    settings.SELVHJELP_SMS_BACKEND = "notifications.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    member = UserFactory(display_name="Fjellrev", phone="+4791234567", phone_verified=False)
    page = open_as(member)
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/profil/")
    main = page.locator("main")
    assert "Ikke bekreftet" in main.inner_text()
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Send kode").click()
    assert page.url.endswith("/profil/mobil/bekreft/")
    assert "Vi har sendt en kode til +4791234567." in main.inner_text()
    axe_check(page)
    (message,) = LocmemBackend.outbox
    assert message["to"] == "+4791234567"
    assert "Fjellrev" not in message["text"]
    code = CODE.search(message["text"]).group(1)

    page.fill("#id_code", "BBBB-BBBB")
    submit(page)
    assert page.locator("[data-error-summary]").is_visible()
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    axe_check(page)

    page.fill("#id_code", code.lower())
    submit(page)
    assert page.url.endswith("/profil/")
    text = main.inner_text()
    assert "Mobilnummeret ditt er bekreftet." in text
    assert "Ikke bekreftet" not in text
    axe_check(page)
    assert User.objects.get(pk=member.pk).phone_verified
    LocmemBackend.outbox.clear()


def test_a_number_confirmed_elsewhere_is_refused_plainly(open_as, live_server, axe_check, settings):
    settings.SELVHJELP_SMS_BACKEND = "notifications.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    UserFactory(display_name="Hemmelig Hegre", phone="+4791234567", phone_verified=True)
    member = UserFactory(display_name="Fjellrev", phone="+4791234567", phone_verified=False)
    page = open_as(member)
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/profil/")
    with page.expect_navigation():
        page.get_by_role("button", name="Send kode").click()
    code = CODE.search(LocmemBackend.outbox[-1]["text"]).group(1)
    page.fill("#id_code", code)
    submit(page)

    assert page.url.endswith("/profil/")
    text = page.locator("main").inner_text()
    assert "allerede bekreftet på en annen konto" in text
    assert "Hemmelig Hegre" not in page.content()
    axe_check(page)
    assert not User.objects.get(pk=member.pk).phone_verified
    LocmemBackend.outbox.clear()
