"""A member chooses how to be reminded of meetings, in the browser."""

from __future__ import annotations

import pytest

from groups.models import Group
from meetings.models import ReminderOptOut, ReminderPreference
from tests.factories import GroupFactory, MembershipFactory, UserFactory, signed

from .conftest import log_in_with_password, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_picks_lead_time_channel_and_a_quiet_group(page, live_server, axe_check):
    user = UserFactory(email="teist@example.org", display_name="Teist")
    group = GroupFactory(state=Group.State.SELF_RUN, name="Mandagsgruppa")
    membership = signed(MembershipFactory(group=group, user=user))
    log_in_with_password(page, live_server.url, user.email)

    page.goto(live_server.url + "/profil/varsler/")
    axe_check(page)
    # SMS without a mobile number: a clear message, nothing saved.
    page.check("input[name=channel][value=sms]")
    submit(page)
    assert page.locator(".ds-validation-message").count() >= 1
    axe_check(page)
    assert not ReminderPreference.objects.exists()

    page.select_option("#id_lead_hours", "12")
    page.check("input[name=channel][value=email]")
    page.check(f"input[name=no_reminders_for][value='{membership.pk}']")
    submit(page)
    assert page.url == live_server.url + "/profil/varsler/"
    axe_check(page)
    pref = ReminderPreference.objects.get(user=user)
    assert (pref.lead_hours, pref.channel) == (12, "email")
    assert ReminderOptOut.objects.filter(membership=membership).exists()
