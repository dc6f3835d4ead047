"""The interest pages in a real browser, checked with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest

from groups.models import GroupInvitation
from interest.models import QuorumAlert
from interest.services import interest_register
from tests.browser.conftest import submit, use_session
from tests.factories import (
    ContactPointFactory,
    GroupFactory,
    KommuneFactory,
    StaffRoleFactory,
    ThemeFactory,
    UserFactory,
    give_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_seeker_registers_withdraws_and_answers(page, live_server, axe_check):
    kommune = KommuneFactory(name="Axeby")
    theme = ThemeFactory(name_nb="Samlivsbrudd")
    seeker = UserFactory()
    group = GroupFactory(theme=theme, kommune=kommune, contact_point__kommune=kommune)
    GroupInvitation.objects.create(group=group, user=seeker)
    use_session(page, live_server, seeker)

    page.goto(live_server.url + "/interesse/ny/")
    axe_check(page)
    page.check("input[name=contact_by][value=sms]")
    submit(page)
    assert page.locator(".ds-error-summary").is_visible()
    axe_check(page)

    page.select_option("#id_theme", theme.slug)
    page.fill("#id_place", "Axeby")
    page.check("input[name=contact_by][value=email]")
    submit(page)
    assert page.url == live_server.url + "/interesse/"
    assert page.get_by_text("Samlivsbrudd").first.is_visible()
    axe_check(page)

    with page.expect_navigation():
        page.locator("main form button[data-variant=tertiary]").first.click()
    assert page.url == live_server.url + "/interesse/"
    axe_check(page)


def test_staff_counts_and_start_page(page, live_server, axe_check):
    kommune = KommuneFactory(name="Axeby")
    cp = ContactPointFactory(kommune=kommune)
    theme = ThemeFactory(name_nb="Samlivsbrudd")
    staff = UserFactory()
    StaffRoleFactory(user=staff, contact_point=cp)
    give_totp(staff)
    for _ in range(4):
        interest_register(user=UserFactory(), theme=theme, format="in_person", kommune=kommune)
    interest_register(user=UserFactory(), theme=theme, format="digital", kommune=None)
    assert QuorumAlert.objects.exists()
    use_session(page, live_server, staff, mfa=True)

    page.goto(f"{live_server.url}/personale/interesse/{cp.slug}/")
    axe_check(page)
    with page.expect_navigation():
        page.locator("main a.ds-button").first.click()
    assert "/start/" in page.url
    axe_check(page)
    submit(page)  # no name, no group: errors
    axe_check(page)
