"""A member downloads their data and deletes their account, in the browser."""

from __future__ import annotations

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from core.models import AuditEvent
from groups.models import Group
from tests.factories import GroupFactory, MembershipFactory, UserFactory, signed
from tests.privacy.test_deletion import confirm_word

from .conftest import PASSWORD, log_in_with_password, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_downloads_data_then_deletes_the_account(page, live_server, axe_check):
    user = UserFactory(email="lomvi@example.org", display_name="Lomvi")
    group = GroupFactory(state=Group.State.SELF_RUN, member_count=2)
    signed(MembershipFactory(group=group, user=user))
    signed(MembershipFactory(group=group))
    log_in_with_password(page, live_server.url, user.email)

    page.goto(live_server.url + "/profil/")
    with page.expect_navigation():
        page.locator("main a[href='/profil/mine-data/']").click()
    axe_check(page)
    # The download asks for the password again first.
    submit(page)
    assert "/konto/reauthenticate/" in page.url
    axe_check(page)
    page.fill("#id_password", PASSWORD)
    with page.expect_download() as download_info:
        page.locator("main form button[type=submit]").first.click()
    data = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert data["profile"]["display_name"] == "Lomvi"
    assert data["memberships"][0]["group"] == group.name

    page.goto(live_server.url + "/profil/")
    with page.expect_navigation():
        page.locator("main a[href='/profil/slett/']").click()
    axe_check(page)
    page.fill("#id_confirm", "kanskje")
    submit(page)
    assert page.locator("[data-error-summary]").count() == 1
    axe_check(page)
    page.fill("#id_confirm", confirm_word())
    submit(page)
    assert page.url == live_server.url + "/"
    with translation.override("nb"):
        told = gettext("Your account and everything tied to it has been deleted.")
    assert told in page.locator("main").inner_text()
    axe_check(page)

    assert not User.objects.filter(email="lomvi@example.org").exists()
    group.refresh_from_db()
    assert group.member_count == 1
    assert AuditEvent.objects.filter(event=AuditEvent.Event.ACCOUNT_DELETED).count() == 1
