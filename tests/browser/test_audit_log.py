"""A national administrator reads the audit log in the browser and narrows it
to one family of events; every page checked with axe-core."""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from core.services import audit
from tests.browser.conftest import submit
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_national_admin_filters_the_audit_log(open_as, live_server, axe_check):
    world = build_world()
    member = world.user("member")
    audit(actor=member, event=AuditEvent.Event.ACCOUNT_EXPORTED, target=member)
    audit(actor=None, event=AuditEvent.Event.PLEDGE_SIGNED, target=world.group)
    page = open_as(world.user("national_admin"), mfa=True)

    page.goto(f"{live_server.url}/personale/")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Hendelseslogg").click()
    assert page.url.endswith("/personale/revisjon/")
    axe_check(page)
    table = page.locator("table").inner_text()
    assert "account.exported" in table and "pledge.signed" in table
    # Ids and event names only: the member's name and e-mail are not shown.
    assert member.display_name not in page.content()
    assert member.email not in page.content()

    page.select_option("#id_event", "account.*")
    submit(page)
    assert "event=account." in page.url
    axe_check(page)
    table = page.locator("table").inner_text()
    assert "account.exported" in table and "pledge.signed" not in table
