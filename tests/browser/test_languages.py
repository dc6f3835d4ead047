"""A seeker reads the site in Nynorsk, then in English and Bokmål again."""

from __future__ import annotations

import re

import pytest

from groups.models import Group
from tests.factories import GroupFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Bokmål words a Nynorsk page must not show (tests/test_translations.py has the list).
BOKMAL = re.compile(r"\b(ikke|jeg|hva|hvordan|hvem|også|bare|noen|fra|uke|medlemmer)\b")


def switch_to(page, language: str) -> None:
    with page.expect_navigation():
        page.locator(f".language-switcher a[hreflang={language}]").click()
    assert page.locator("html").get_attribute("lang") == language


def test_seeker_switches_to_nynorsk_and_reads_finder_group_and_explanation(
    page, live_server, axe_check
):
    theme = ThemeFactory(name_nb="Ensomhet", name_nn="Einsemd", name_en="Loneliness")
    group = GroupFactory(state=Group.State.FORMING, theme=theme)

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "nb"
    switch_to(page, "nn")
    assert page.url == live_server.url + "/"
    assert page.locator("h1").inner_text() == "Sjølvhjelpsgrupper nær deg"
    axe_check(page)

    # What a group is, and how its members talk together.
    with page.expect_navigation():
        page.get_by_role("link", name="Meir om sjølvhjelpsgrupper").click()
    assert page.url == live_server.url + "/hva-er-en-selvhjelpsgruppe/"
    main = page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "Kva er ei sjølvhjelpsgruppe?"
    assert "Slik snakkar vi saman" in main
    assert "teieplikterklæring" in main
    assert not BOKMAL.search(main), BOKMAL.search(main)
    axe_check(page)

    # The finder, in Nynorsk, with the theme's Nynorsk name.
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Finn ei gruppe").click()
    assert page.url == live_server.url + "/grupper/"
    assert page.locator("h1").inner_text() == "Finn ei gruppe"
    main = page.locator("main").inner_text()
    assert "Einsemd" in main and "Ensomhet" not in main
    assert not BOKMAL.search(main), BOKMAL.search(main)
    axe_check(page)

    # A group's page: the time as Norwegian writes it, words in Nynorsk.
    with page.expect_navigation():
        page.get_by_role("link", name="Einsemd").click()
    assert page.url == live_server.url + group.get_absolute_url()
    main = page.locator("main").inner_text()
    assert "tysdagar kl. 18.00–20.00" in main
    assert "teieplikterklæringa" in main
    assert not BOKMAL.search(main), BOKMAL.search(main)
    axe_check(page)

    # The same page in English, then back in Bokmål.
    switch_to(page, "en")
    assert page.url == live_server.url + group.get_absolute_url()
    assert "Tuesdays 18:00–20:00" in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "Loneliness"
    axe_check(page)
    switch_to(page, "nb")
    assert "tirsdager kl. 18.00–20.00" in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "Ensomhet"
    axe_check(page)
