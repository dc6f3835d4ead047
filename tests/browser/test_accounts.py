"""A seeker's account, from sign-up to profile, in the browser."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from groups.models import Group, Theme
from tests.factories import GroupFactory, ThemeFactory, UserFactory

from .conftest import CODE_RE, PASSWORD, code_from_last_mail, log_in_with_password, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_seeker_signs_up_with_a_pseudonym_and_confirms_by_code(page, live_server, axe_check):
    group = GroupFactory(
        state=Group.State.FORMING, theme=ThemeFactory(name_nb="Sorg", name_en="Grief")
    )
    # The seeker has looked at a group before deciding to sign up.
    page.goto(live_server.url + group.get_absolute_url())
    with page.expect_navigation():
        page.locator(".site-nav a[href='/konto/signup/']").click()
    axe_check(page)

    page.fill("#id_email", "fjellrev@example.org")
    page.fill("#id_display_name", "Fjellrev")
    submit(page)

    assert "/konto/confirm-email/" in page.url
    axe_check(page)
    subject, code = code_from_last_mail("fjellrev@example.org")
    for theme in Theme.objects.all():
        assert theme.name_nb not in subject
        assert theme.name_en not in subject

    page.fill("#id_code", code)
    submit(page)

    assert page.url == live_server.url + "/profil/"
    assert "Fjellrev" in page.locator("main").inner_text()
    axe_check(page)
    user = User.objects.get(email="fjellrev@example.org")
    assert user.display_name == "Fjellrev"
    assert user.emailaddress_set.get().verified


def test_sign_up_errors_are_summarised_and_linked(page, live_server, axe_check):
    page.goto(live_server.url + "/konto/signup/")
    title = page.title()
    page.fill("#id_email", "ikke-en-adresse")
    page.fill("#id_display_name", "x")
    submit(page)

    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1
    # Focus moved to the summary, so screen readers start there.
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    # The title says there is an error ("Feil: …" in Norwegian).
    assert page.title() != title
    assert page.title().endswith(title)
    for field_id in ("id_email", "id_display_name"):
        field = page.locator(f"#{field_id}")
        assert field.get_attribute("aria-invalid") == "true"
        assert f"{field_id}_error" in field.get_attribute("aria-describedby").split()
        assert page.locator(f"#{field_id}_error").is_visible()
        assert summary.locator(f"a[href='#{field_id}']").count() == 1
    axe_check(page)


def test_log_in_with_password(page, live_server, axe_check):
    user = UserFactory()
    page.goto(live_server.url + "/konto/login/")
    axe_check(page)

    page.fill("#id_login", user.email)
    page.fill("#id_password", "not the password")
    submit(page)
    assert page.locator("[data-error-summary]").is_visible()
    assert page.url.startswith(live_server.url + "/konto/login/")
    axe_check(page)

    page.fill("#id_password", PASSWORD)
    submit(page)
    assert page.url == live_server.url + "/profil/"
    assert user.display_name in page.locator("main").inner_text()
    axe_check(page)


def test_log_in_by_emailed_code(page, live_server, axe_check):
    user = UserFactory()
    page.goto(live_server.url + "/konto/login/")
    with page.expect_navigation():
        page.locator("main a[href='/konto/login/code/']").click()
    axe_check(page)

    page.fill("#id_email", user.email)
    submit(page)
    assert "/konto/login/code/confirm/" in page.url
    axe_check(page)

    _subject, code = code_from_last_mail(user.email)
    page.fill("#id_code", code)
    submit(page)
    assert page.url == live_server.url + "/profil/"
    axe_check(page)


def test_profile_edit_shows_a_clear_error_for_a_bad_phone_number(page, live_server, axe_check):
    user = UserFactory(display_name="Havørn")
    log_in_with_password(page, live_server.url, user.email)
    axe_check(page)

    with page.expect_navigation():
        page.locator("main a[href='/profil/endre/']").click()
    axe_check(page)

    page.fill("#id_phone", "123")
    submit(page)

    phone = page.locator("#id_phone")
    error = page.locator("#id_phone_error")
    assert phone.get_attribute("aria-invalid") == "true"
    assert set(phone.get_attribute("aria-describedby").split()) == {
        "id_phone_helptext",
        "id_phone_error",
    }
    assert "8 sifre" in error.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    axe_check(page)

    page.fill("#id_phone", "912 34 567")
    submit(page)
    assert page.url == live_server.url + "/profil/"
    user.refresh_from_db()
    assert user.phone == "+4791234567"
    axe_check(page)


def test_account_management_pages(page, live_server, axe_check):
    """E-mail addresses, password, two-factor overview, password reset."""
    user = UserFactory()
    log_in_with_password(page, live_server.url, user.email)
    for path in ("/konto/email/", "/konto/password/change/", "/konto/2fa/"):
        page.goto(live_server.url + path)
        assert page.locator("main h1").count() == 1, path
        axe_check(page)

    # Adding an address with a typo shows the error next to the field.
    page.goto(live_server.url + "/konto/email/")
    page.fill("#id_email", "not-an-address")
    with page.expect_navigation():
        page.locator("main button[name=action_add]").click()
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    axe_check(page)

    page.context.clear_cookies()
    mail.outbox.clear()
    page.goto(live_server.url + "/konto/password/reset/")
    axe_check(page)
    page.fill("#id_email", user.email)
    submit(page)
    axe_check(page)
    assert len(mail.outbox) == 1


def test_a_member_confirms_the_mobile_number_on_the_profile_by_phone(
    open_as, live_server, axe_check, sms_outbox
):
    """Profile → send code → a wrong code is told kindly → the texted code confirms it."""
    user = UserFactory(phone="+4791234567", phone_verified=False)
    page = open_as(user)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + "/profil/")
    assert "Ikke bekreftet" in page.locator("main").inner_text()
    axe_check(page)

    with page.expect_navigation():
        page.locator(f"form[action='{reverse('accounts:phone_send_code')}'] button").click()
    assert page.url == live_server.url + reverse("accounts:phone_confirm")
    axe_check(page)
    (message,) = sms_outbox
    assert message["to"] == "+4791234567"
    code = CODE_RE.search(message["text"].split(":")[-1]).group(1)

    page.fill("#id_code", "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB")
    submit(page)
    assert page.url == live_server.url + reverse("accounts:phone_confirm")
    assert page.locator(".ds-validation-message").first.is_visible()
    axe_check(page)

    page.fill("#id_code", code)
    submit(page)
    assert page.url == live_server.url + "/profil/"
    assert "Mobilnummeret ditt er bekreftet." in page.locator("main").inner_text()
    axe_check(page)
    user.refresh_from_db()
    assert user.phone_verified
