"""The group finder as a seeker uses it: typed place, postal code, "near me"."""

from __future__ import annotations

import datetime

import pytest

from groups.models import Group
from tests.factories import ThemeFactory
from tests.finder.conftest import gazetteer, make_group  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

TROMSO = {"latitude": 69.6489, "longitude": 18.9551}


@pytest.fixture
def tromso_groups(make_group):  # noqa: F811
    grief = ThemeFactory(slug="sorg-b", name_nb="Sorg", name_en="Grief")
    evening = make_group(
        "5501",
        theme=grief,
        area="Sentrum",
        state=Group.State.SELF_RUN,
        start_time=datetime.time(18),
    )
    morning = make_group(
        "5501",
        area="Kroken",
        state=Group.State.FORMING,
        start_time=datetime.time(10),
        weekday=Group.Weekday.THURSDAY,
    )
    oslo = make_group("0301")
    return evening, morning, oslo


def _card_links(page):
    return page.locator(".finder-results .card__title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def test_typing_tromso_without_o_slash_finds_tromso(page, live_server, axe_check, tromso_groups):
    evening, morning, oslo = tromso_groups
    page.goto(live_server.url + "/grupper/")
    axe_check(page)
    page.fill("#id_q", "Tromso")
    # Suggestions arrive from the server and understand the ASCII spelling.
    page.wait_for_function(
        "() => [...document.querySelectorAll('#place-suggestions option')]"
        ".some(o => o.value === 'Tromsø (Troms)')"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Søk", exact=True).click()
    assert "q=Tromso" in page.url and "lat=" not in page.url
    links = _card_links(page)
    assert evening.get_absolute_url() in links and morning.get_absolute_url() in links
    assert oslo.get_absolute_url() not in links
    assert page.locator(".card__distance").count() == 2
    axe_check(page)

    page.click(f"a[href='{evening.get_absolute_url()}']")
    assert page.locator("h1").inner_text() == "Sorg"
    assert "Kirkegata" not in page.content()
    axe_check(page)


def test_postal_code_search(page, live_server, axe_check, tromso_groups):
    page.goto(live_server.url + "/grupper/?q=9008")
    assert tromso_groups[0].get_absolute_url() in _card_links(page)
    axe_check(page)


def test_filters_combine(page, live_server, axe_check, tromso_groups):
    _evening, morning, _ = tromso_groups
    page.goto(live_server.url + "/grupper/?q=Tromsø")
    page.locator(".finder__filters summary").click()
    page.get_by_label("Torsdag").check()
    page.get_by_label("Starter snart").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Vis treff").click()
    assert _card_links(page) == [morning.get_absolute_url()]
    axe_check(page)
    # Evening on Thursdays: nothing; the page says so and offers ways on.
    page.get_by_label("Kveld (fra kl. 17)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Vis treff").click()
    assert _card_links(page) == []
    assert page.locator(".finder-empty").is_visible()
    axe_check(page)


def test_near_me_uses_the_position_without_putting_it_in_the_url(
    browser, live_server, axe_check, tromso_groups, console_errors
):
    context = browser.new_context(locale="nb-NO", geolocation=TROMSO, permissions=["geolocation"])
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    try:
        page.goto(live_server.url + "/grupper/")
        with page.expect_navigation():
            page.get_by_role("button", name="Nær meg").click()
        assert page.url == live_server.url + "/grupper/"
        links = _card_links(page)
        assert tromso_groups[0].get_absolute_url() in links
        assert tromso_groups[2].get_absolute_url() not in links
        assert "69.6" not in page.url
        axe_check(page)
    finally:
        context.close()
