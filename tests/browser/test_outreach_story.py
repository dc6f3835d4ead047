"""A seeker on a phone prints a group's poster and card, and a contact point's card.

At 375 px, in Bokmål: every sheet is axe-clean, fits the phone's width on
screen, prints to exactly one page of its paper size (A4 for a poster, A6
for a card) with nothing cut off, and loads nothing from another site. Each
sheet's QR code, screenshot and decoded, is the public page's full address.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from groups.models import Group
from organisations.models import ContactPoint
from tests.browser.qr import scanned_qr
from tests.factories import ContactPointFactory, GroupFactory, ThemeFactory
from tests.finder.conftest import gazetteer, kommune  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
PLACE = "Kjellerstua i Storgata 7"
# PDF points (1/72 inch): A4 is 210 × 297 mm, A6 105 × 148 mm.
A4 = (595.3, 841.9)
A6 = (297.6, 419.5)


def printed(page: Page) -> tuple[int, tuple[float, float]]:
    """(pages, (width, height) of the first) of the page printed by Chromium."""
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box, "no page size in the PDF"
    return len(pages), (float(box.group(1)), float(box.group(2)))


def assert_one_sheet(page: Page, paper: tuple[float, float]) -> None:
    count, size = printed(page)
    assert count == 1, f"{page.url} prints on {count} pages"
    assert size == pytest.approx(paper, abs=3), f"{page.url} prints on {size}, not {paper}"
    # Nothing is cut off at the foot of the sheet.
    page.emulate_media(media="print")
    overflow = page.evaluate(
        "(() => { const s = document.querySelector('.sheet');"
        " return s.scrollHeight - s.clientHeight; })()"
    )
    page.emulate_media(media="null")
    assert overflow <= 1, f"{page.url}: {overflow} px of the sheet are cut off in print"


def test_a_seeker_prints_a_poster_and_cards_on_a_phone(
    browser,
    live_server,
    axe_check,
    console_errors,
    gazetteer,  # noqa: F811
):
    tromso = ContactPointFactory(
        slug="kp-tromso",
        name="Frisklivssentralen i Tromsø",
        kind=ContactPoint.Kind.FRISKLIVSSENTRAL,
        kommune=kommune("5501"),
        public_phone="77 79 00 00",
    )
    group = GroupFactory(
        slug="tirsdagsgruppa",
        contact_point=tromso,
        kommune=tromso.kommune,
        theme=ThemeFactory(name_nb="Samlivsbrudd"),
        place=PLACE,
        state=Group.State.STARTING,
        cadence=Group.Cadence.FORTNIGHTLY,
    )
    for n in range(6):  # more than a poster lists
        GroupFactory(
            contact_point=tromso,
            kommune=tromso.kommune,
            theme=ThemeFactory(name_nb=f"Et ganske langt temanavn nummer {n}"),
        )

    context = browser.new_context(locale="nb-NO", viewport=PHONE)
    context.set_default_timeout(10_000)
    hosts: set[str] = set()
    page = context.new_page()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    group_url = f"{live_server.url}/grupper/tirsdagsgruppa/"
    contact_point_url = f"{live_server.url}/kontaktpunkter/kp-tromso/"
    try:
        page.goto(f"{live_server.url}{group.get_absolute_url()}")
        with page.expect_navigation():
            page.get_by_role("link", name="Skriv ut plakat").click()
        axe_check(page)
        assert page.get_by_text("Telefon 77 79 00 00").is_visible()
        assert page.get_by_text(group_url).is_visible()
        assert PLACE not in page.content()
        assert page.get_by_role("button", name="Skriv ut").is_visible()  # the script shows it
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_one_sheet(page, A4)
        assert scanned_qr(page) == [group_url]

        with page.expect_navigation():
            page.get_by_role("link", name="Skriv ut et kort i stedet").click()
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_one_sheet(page, A6)
        assert scanned_qr(page) == [group_url]

        page.goto(f"{live_server.url}{tromso.get_absolute_url()}")
        with page.expect_navigation():
            page.get_by_role("link", name="Skriv ut plakat").click()
        axe_check(page)
        assert page.get_by_text("Og 2 grupper til på siden.").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_one_sheet(page, A4)
        assert scanned_qr(page) == [contact_point_url]

        with page.expect_navigation():
            page.get_by_role("link", name="Skriv ut et kort i stedet").click()
        axe_check(page)
        assert_one_sheet(page, A6)
        assert scanned_qr(page) == [contact_point_url]
    finally:
        context.close()
    assert hosts == {urlsplit(live_server.url).netloc}
