"""Phone first, at 375 px: the compact header (with and without JavaScript) and
a group's inside page with the next meeting and its one action on top, the
rest folded, and the group-wide actions a step away."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from groups import lifecycle
from groups.models import Group, Membership
from meetings.models import Meeting
from tests.browser.conftest import use_session
from tests.factories import GroupFactory, MembershipFactory, current_pledge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_the_header_is_one_row_with_the_menu_behind_a_button(page, live_server, axe_check):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    button = page.get_by_role("button", name="Meny")
    assert button.is_visible()
    assert not page.locator(".site-nav").is_visible()
    logo, menu = page.locator(".site-logo").bounding_box(), button.bounding_box()
    assert logo and menu and abs(logo["y"] - menu["y"]) < logo["height"]
    header = page.locator(".site-header").bounding_box()
    assert header and header["height"] < 80
    # The heading keeps «Selvhjelpsgrupper» whole (layout_check also says so).
    heading = page.locator("h1")
    assert heading.inner_text().startswith("Selvhjelpsgrupper")
    axe_check(page)

    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Logg inn").is_visible()
    assert page.get_by_role("link", name="English").is_visible()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert not page.locator(".site-nav").is_visible()


def test_without_javascript_the_menu_is_one_row_that_scrolls(browser: Browser, live_server):
    context = browser.new_context(
        locale="nb-NO", viewport=PHONE, java_script_enabled=False, reduced_motion="reduce"
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert not page.locator(".site-menu-button").is_visible()
        links = page.locator(".site-menu a")
        boxes = [links.nth(i).bounding_box() for i in range(links.count())]
        assert len(boxes) == 5  # find a group, log in, sign up; the two other languages
        # One row: a horizontal line crosses every link.
        assert max(b["y"] for b in boxes) < min(b["y"] + b["height"] for b in boxes)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width == PHONE["width"], "the row scrolls inside the header, not the page"
    finally:
        context.close()


def test_a_members_group_page_starts_with_the_next_meeting(
    browser: Browser, live_server, axe_check
):
    current_pledge()
    group = GroupFactory(state=Group.State.FORMING, place="Frivilligsentralen, møterom 2")
    members = [
        MembershipFactory(
            group=group,
            role=Membership.Role.INITIATOR if i == 0 else Membership.Role.MEMBER,
            pledge_signed=True,
        )
        for i in range(4)
    ]
    lifecycle.group_transition(group=group, action="start", actor=members[0].user)
    first = Meeting.objects.filter(group=group).order_by("starts_at").first()
    assert first is not None
    context = browser.new_context(locale="nb-NO", viewport=PHONE, reduced_motion="reduce")
    try:
        page = context.new_page()
        use_session(page, live_server, members[0].user)
        page.goto(f"{live_server.url}/inne/{group.inside_token}/")

        card = page.locator(".next-meeting")
        assert card.is_visible()
        assert "Frivilligsentralen, møterom 2" in card.inner_text()
        action = card.get_by_role("button", name="Jeg kan ikke komme")
        assert action.is_visible()
        box = action.bounding_box()
        assert box and box["y"] + box["height"] < PHONE["height"] * 1.5, "near the top"
        # The times of a meeting stay on one line.
        times = card.locator(".nowrap")
        assert times.inner_text().startswith("kl. ")
        assert len(times.evaluate("el => [...el.getClientRects()]")) == 1

        # The rest is folded; ending the group is behind «The group's decisions».
        for fold in ("meetings", "members", "rotation", "decisions", "notices"):
            assert page.locator(f"details#{fold}").get_attribute("open") is None, fold
        end = page.get_by_role("link", name="Avslutt gruppa")
        assert not end.is_visible()
        axe_check(page)
        page.locator("details#decisions > summary").click()
        expect(end).to_be_visible()
        page.locator("details#meetings > summary").click()
        expect(page.locator(".meeting-list__item").first).to_be_visible()
        axe_check(page)

        # Ending the group cannot be undone: the button leads to a page that asks.
        with page.expect_navigation():
            end.click()
        assert page.locator("h1").inner_text() == "Vil du avslutte gruppa?"
        axe_check(page)
        group.refresh_from_db()
        assert group.state == Group.State.STARTING
    finally:
        context.close()
