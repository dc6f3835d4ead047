"""Staff must set up an authenticator app before they see staff pages."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache

from tests.factories import StaffRoleFactory, UserFactory

from .conftest import PASSWORD, log_in_with_password, submit, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_without_totp_activates_it_and_reaches_staff_pages(page, live_server, axe_check):
    user = UserFactory()
    StaffRoleFactory(user=user)
    log_in_with_password(page, live_server.url, user.email)

    page.goto(live_server.url + "/personale/")
    activate_url = "/konto/2fa/totp/activate/?" + urlencode({"next": "/personale/"})
    # allauth asks for the password again before an authenticator is added,
    # even right after logging in (only a *re*-authentication counts).
    assert page.url == live_server.url + "/konto/reauthenticate/?" + urlencode(
        {"next": activate_url}
    )
    axe_check(page)
    page.fill("#id_password", PASSWORD)
    submit(page)

    assert page.url == live_server.url + activate_url
    axe_check(page)

    qr = page.locator("main img")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert len(qr.get_attribute("alt")) > 20
    secret = page.locator("#authenticator_secret").input_value()
    assert secret
    assert secret in page.content()

    # A wrong code first: the error is shown and linked to the field.
    page.fill("#id_code", "000000" if totp_code(secret) != "000000" else "111111")
    submit(page)
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    axe_check(page)
    # The same secret stays in the form after the error.
    assert page.locator("#authenticator_secret").input_value() == secret

    page.fill("#id_code", totp_code(secret))
    submit(page)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # allauth shows the recovery codes it generated on activation.
    assert page.url == live_server.url + "/konto/2fa/recovery-codes/"
    axe_check(page)

    # Activation took a valid code: this session counts as confirmed with TOTP.
    page.goto(live_server.url + "/personale/")
    assert page.url == live_server.url + "/personale/"
    assert page.locator(".site-nav a[aria-current=page]").get_attribute("href") == "/personale/"
    axe_check(page)

    # A new session: the password alone is not enough, allauth asks for a code.
    page.context.clear_cookies()
    log_in_with_password(page, live_server.url, user.email)
    assert page.url.startswith(live_server.url + "/konto/2fa/authenticate/")
    axe_check(page)
    # allauth refuses a code used twice within its period (kept in the cache);
    # forget the activation's code instead of waiting up to 30 s for the next.
    cache.clear()
    page.fill("#id_code", totp_code(secret))
    submit(page)
    page.goto(live_server.url + "/personale/")
    assert page.url == live_server.url + "/personale/"
