"""A seeker finds no group near them, finds a contact point instead, prints its card
(whose QR code, read from a screenshot, holds the entry's address) and reports a change.

On a phone (375 px wide), in Bokmål; every page checked with axe-core, and
no request leaves the platform's own server.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from directory.models import ChangeReport
from notifications.models import OutgoingMessage
from organisations.models import ContactPoint
from tests.browser.conftest import submit, use_session
from tests.browser.qr import scanned_qr
from tests.factories import ContactPointFactory, StaffRoleFactory, give_totp
from tests.finder.conftest import gazetteer, kommune, make_group  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_a_seeker_reports_a_change_and_the_contact_point_sees_it(
    browser,
    live_server,
    axe_check,
    make_group,  # noqa: F811
    console_errors,
):
    make_group("5501")  # a group in Tromsø, far from Alta
    alta = ContactPointFactory(
        name="Frisklivssentralen i Alta",
        kind=ContactPoint.Kind.FRISKLIVSSENTRAL,
        kommune=kommune("5601"),
        public_phone="78 45 50 00",
        opening_hours="Mandag–fredag 8–15",
    )
    staff = StaffRoleFactory(contact_point=alta).user
    give_totp(staff)

    context = browser.new_context(locale="nb-NO", viewport=PHONE)
    context.set_default_timeout(10_000)
    hosts: set[str] = set()
    page = context.new_page()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    try:
        # No group within 5 km of Alta: the nearest contact points are offered.
        page.goto(f"{live_server.url}/grupper/?q=Alta&radius=5")
        axe_check(page)
        nearest = page.locator("ul[aria-labelledby=nearest-contact-points] li")
        assert "Frisklivssentralen i Alta" in nearest.first.inner_text()

        with page.expect_navigation():
            nearest.first.get_by_role("link", name="Frisklivssentralen i Alta").click()
        assert page.url == live_server.url + alta.get_absolute_url()
        assert page.get_by_text("Mandag–fredag 8–15").is_visible()
        axe_check(page)
        # Nothing overflows the phone's width.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # The seeker prints the contact point's card: its QR code leads back to this page.
        with page.expect_navigation() as navigation:
            page.get_by_role("link", name="Skriv ut kort").click()
        axe_check(page)
        card = navigation.value
        assert card is not None and card.status == 200
        entry_url = live_server.url + alta.get_absolute_url()
        # Read from the pixels, as a phone's camera would.
        assert scanned_qr(page) == [entry_url]
        assert page.get_by_text("78 45 50 00").first.is_visible()
        with page.expect_navigation():
            page.go_back()
        assert page.url == entry_url

        with page.expect_navigation():
            page.get_by_role("link", name="Meld fra om endring").click()
        axe_check(page)
        assert page.get_by_text("valgfritt").is_visible()
        submit(page)  # nothing written: a clear message
        assert page.locator(".ds-error-summary").is_visible()
        axe_check(page)

        page.fill("#id_message", "Telefonnummeret er nytt: 78 45 50 01")
        submit(page)
        assert page.url == live_server.url + alta.get_absolute_url()
        assert page.get_by_text("Kontaktpunktet har fått beskjed").is_visible()
        axe_check(page)
    finally:
        context.close()
    assert hosts == {urlsplit(live_server.url).netloc}

    report = ChangeReport.objects.get()
    assert report.reply_email == ""
    notice = OutgoingMessage.objects.get(kind="change_report", recipient=staff)
    assert notice.params == {"report": report.pk}

    # The contact point's staff read it on their page and mark it handled.
    context = browser.new_context(locale="nb-NO", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    try:
        use_session(page, live_server, staff, mfa=True)
        page.goto(f"{live_server.url}/personale/kontaktpunkt/{alta.slug}/oppforing/")
        axe_check(page)
        with page.expect_navigation():
            page.get_by_role("link", name="Meldinger om endring (1 åpen)").click()
        assert page.get_by_text("Telefonnummeret er nytt: 78 45 50 01").is_visible()
        axe_check(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Merk som behandlet").click()
        assert page.get_by_text("Meldingen er merket som behandlet.").is_visible()
        axe_check(page)
    finally:
        context.close()
    report.refresh_from_db()
    assert report.handled_by == staff
