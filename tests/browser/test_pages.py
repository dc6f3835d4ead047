"""Public pages a seeker sees first: accessible, in Norwegian or English."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.views.csrf import csrf_failure
from django.views.defaults import bad_request, server_error

from groups.models import Group
from tests.factories import GroupFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_group_list_and_group_page(page, live_server, axe_check):
    group = GroupFactory(
        state=Group.State.FORMING, theme=ThemeFactory(name_nb="Sorg", name_en="Grief")
    )
    GroupFactory(state=Group.State.SELF_RUN)

    page.goto(live_server.url + "/")
    assert page.locator("h1").count() == 1
    axe_check(page)

    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Finn en gruppe").click()
    assert page.url == live_server.url + "/grupper/"
    assert page.locator(".card-list > li").count() == 2
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Sorg").click()
    assert page.url == live_server.url + group.get_absolute_url()
    assert page.locator("h1").inner_text() == "Sorg"
    # The public page never shows the exact meeting place.
    assert group.place not in page.content()
    axe_check(page)


def test_group_list_on_a_small_screen(page, live_server, axe_check):
    GroupFactory(state=Group.State.FORMING)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/grupper/")
    # Nothing is wider than the screen (WCAG 1.4.10 reflow).
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)


def test_language_switcher_turns_the_page_into_english(page, live_server, axe_check):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "nb"

    with page.expect_navigation():
        page.locator(".language-switcher a[hreflang=en]").click()

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url == live_server.url + "/"
    assert page.locator("h1").inner_text() == "Self-help groups near you"
    # The switcher now offers the way back.
    assert page.locator(".language-switcher a[hreflang=nb]").count() == 1
    axe_check(page)


def test_dark_colour_scheme_keeps_contrast(page, live_server, axe_check):
    GroupFactory(state=Group.State.PAUSED)
    page.emulate_media(color_scheme="dark")
    for path in ("/", "/grupper/", "/konto/login/"):
        page.goto(live_server.url + path)
        axe_check(page)


def test_unknown_page_is_a_friendly_404(page, live_server, axe_check, console_errors):
    response = page.goto(live_server.url + "/grupper/finnes-ikke/")
    assert response is not None
    assert response.status == 404
    assert page.locator("main h1").count() == 1
    # The browser logs the 404 of the document itself; that one is expected.
    console_errors[:] = [e for e in console_errors if "404" not in e]
    axe_check(page)


BARE_ERROR_VIEWS = {
    "400": (400, lambda request: bad_request(request, Exception())),
    "403-csrf": (403, lambda request: csrf_failure(request, reason="")),
    "500": (500, server_error),
}


@pytest.mark.parametrize("name", BARE_ERROR_VIEWS)
def test_bare_error_pages_need_no_context_or_database(
    name, page, live_server, axe_check, console_errors, django_assert_num_queries
):
    """400, CSRF failure and 500 render without context processors or queries."""
    status, view = BARE_ERROR_VIEWS[name]
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = view(request)
    assert response.status_code == status
    html = response.content.decode()
    assert "<main" in html

    # Serve that exact HTML from the live server's origin so that the
    # stylesheets load, then check it like any other page.
    url = f"{live_server.url}/error-page-{name}/"
    page.route(url, lambda route: route.fulfill(status=status, body=html, content_type="text/html"))
    page.goto(url)
    console_errors[:] = [e for e in console_errors if str(status) not in e]
    assert page.locator("main h1").count() == 1
    axe_check(page)
