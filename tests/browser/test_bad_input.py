"""A control character in a search is a readable, accessible 400 page, not a 500."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_control_character_in_a_search_gets_a_page_that_says_what_to_do(
    page, live_server, axe_check, console_errors
):
    response = page.goto(live_server.url + "/grupper/?q=Oslo%00")
    assert response is not None
    assert response.status == 400
    assert page.locator("main h1").count() == 1
    lead = page.locator("main .lead").inner_text()
    assert "«q»" in lead and "kontrolltegn" in lead
    console_errors[:] = [e for e in console_errors if "400" not in e]
    axe_check(page)
