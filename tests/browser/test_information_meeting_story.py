"""A contact point publishes an information meeting; a seeker finds it and saves it in a calendar.

On a phone (375 px wide), in Bokmål; every page checked with axe-core, and
no request leaves the platform's own server.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from organisations.models import InformationMeeting
from tests.browser.conftest import submit, use_session
from tests.factories import ContactPointFactory, StaffRoleFactory, give_totp
from tests.finder.conftest import gazetteer, kommune  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
OSLO = ZoneInfo("Europe/Oslo")
# Monday 2 March 2026; the meeting is on Tuesday the week after.
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)


def test_staff_publish_an_information_meeting_and_a_seeker_saves_it(
    browser,
    live_server,
    axe_check,
    gazetteer,  # noqa: F811
    console_errors,
    tmp_path: Path,
):
    with time_machine.travel(NOW, tick=True):
        moss = ContactPointFactory(
            name="Frisklivssentralen i Moss", kommune=kommune("3103"), public_phone="69 24 20 00"
        )
        staff = StaffRoleFactory(contact_point=moss).user
        give_totp(staff)
        hosts: set[str] = set()

        # The contact point's staff publish a meeting from their staff page.
        context = browser.new_context(locale="nb-NO", viewport=PHONE, reduced_motion="reduce")
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
        page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
        try:
            use_session(page, live_server, staff, mfa=True)
            page.goto(f"{live_server.url}/personale/kontaktpunkt/{moss.slug}/")
            with page.expect_navigation():
                page.get_by_role("link", name="Informasjonsmøter").click()
            assert page.get_by_text("Ingen informasjonsmøter ennå.").is_visible()
            axe_check(page)
            with page.expect_navigation():
                page.get_by_role("link", name="Publiser et informasjonsmøte").click()
            axe_check(page)

            # An end before the start: a clear message, and nothing typed is lost.
            page.fill("#id_date", "2026-03-10")
            page.fill("#id_start", "18:00")
            page.fill("#id_end", "17:00")
            page.fill("#id_place", "Moss bibliotek, Kirkegata 14, møterommet")
            page.fill(
                "#id_description",
                "Vi forteller om selvhjelpsgrupper i Moss. Ta gjerne med en venn.",
            )
            submit(page)
            assert page.locator(".ds-error-summary").is_visible()
            assert page.get_by_text("Møtet må slutte etter at det begynner.").first.is_visible()
            assert page.input_value("#id_place") == "Moss bibliotek, Kirkegata 14, møterommet"
            axe_check(page)

            page.fill("#id_end", "19:30")
            submit(page)
            meeting = InformationMeeting.objects.get()
            assert page.url == live_server.url + meeting.get_absolute_url()
            assert page.get_by_text("Informasjonsmøtet er publisert.").is_visible()
            axe_check(page)
        finally:
            context.close()

        # A seeker searches near Moss and finds it, labelled as not a group.
        context = browser.new_context(
            locale="nb-NO", viewport=PHONE, reduced_motion="reduce", accept_downloads=True
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
        page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
        try:
            page.goto(f"{live_server.url}/grupper/?q=Moss")
            section = page.locator("section[aria-labelledby=information-meetings-title]")
            assert "Informasjonsmøter i nærheten" in section.inner_text()
            assert "Ikke en gruppe" in section.inner_text()
            assert "tirsdag 10. mars kl. 18.00–19.30" in section.inner_text()
            axe_check(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

            # The contact point's entry in the directory lists it too.
            page.goto(f"{live_server.url}{moss.get_absolute_url()}")
            entry = page.locator("section[aria-labelledby=information-meetings]")
            assert "Moss bibliotek, Kirkegata 14, møterommet" in entry.inner_text()
            axe_check(page)

            with page.expect_navigation():
                entry.get_by_role("link").first.click()
            assert page.url == live_server.url + meeting.get_absolute_url()
            assert page.get_by_role(
                "heading", name="Informasjonsmøte tirsdag 10. mars"
            ).is_visible()
            axe_check(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

            with page.expect_download() as download_info:
                page.get_by_role("link", name="Legg til i kalenderen min (.ics)").click()
            saved = tmp_path / "informasjonsmote.ics"
            download_info.value.save_as(saved)
        finally:
            context.close()
        assert hosts == {urlsplit(live_server.url).netloc}

    [event] = Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    assert event["summary"] == "Informasjonsmøte: Frisklivssentralen i Moss"
    assert event.decoded("dtstart") == datetime.datetime(2026, 3, 10, 18, 0, tzinfo=OSLO)
    assert event.decoded("dtend") == datetime.datetime(2026, 3, 10, 19, 30, tzinfo=OSLO)
    assert event["location"] == "Moss bibliotek, Kirkegata 14, møterommet, Moss"
