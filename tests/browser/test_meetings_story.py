"""Meetings in the browser: notice of absence and undo, moving and cancelling a
meeting, recording how many came, the calendar address and the signed link
from a reminder. Every page is checked with axe."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from groups import lifecycle
from groups.models import Group, Membership
from meetings.links import absence_url
from meetings.models import Absence, CalendarFeed, Meeting
from tests.factories import GroupFactory, MembershipFactory, current_pledge

pytestmark = [pytest.mark.browser, pytest.mark.unfolded]


def click(page, selector):
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_notice_move_cancel_count_and_link(transactional_db, open_as, live_server, axe_check):
    base = live_server.url
    current_pledge()
    group = GroupFactory(state=Group.State.FORMING, place="Frivilligsentralen, møterom 2")
    members = [
        MembershipFactory(
            group=group,
            role=Membership.Role.INITIATOR if i == 0 else Membership.Role.MEMBER,
            pledge_signed=True,
        )
        for i in range(6)
    ]
    # Starting the group stores its meetings (after commit).
    lifecycle.group_transition(group=group, action="start", actor=members[0].user)
    coming = list(Meeting.objects.filter(group=group).order_by("starts_at"))
    assert len(coming) >= 8
    me = members[1]
    page = open_as(me.user)

    # The group page: the next meetings, one tap to send notice, one to undo.
    page.goto(f"{base}/inne/{group.inside_token}/")
    assert page.locator(".meeting-list__item").count() == 8
    axe_check(page)
    click(page, f"form[action$='/moter/{coming[0].pk}/fravar/'] button")
    assert Absence.objects.filter(meeting=coming[0], membership=me).exists()
    assert me.user.display_name in page.locator(".next-meeting").inner_text()
    axe_check(page)
    click(page, f"form[action$='/moter/{coming[0].pk}/fravar/'] button")
    assert not Absence.objects.exists()

    # Move the second meeting a day later, one hour later, to another room.
    page.goto(f"{base}/inne/{group.inside_token}/moter/{coming[1].pk}/")
    axe_check(page)
    new_start = timezone.localtime(coming[1].starts_at) + datetime.timedelta(days=1, hours=1)
    page.fill("#id_move-date", new_start.date().isoformat())
    page.fill("#id_move-time", new_start.strftime("%H:%M"))
    page.fill("#id_move-place", "Biblioteket, møterom 1")
    click(page, "form[action$='/flytt/'] button[type=submit]")
    moved = Meeting.objects.get(pk=coming[1].pk)
    assert moved.starts_at == new_start and moved.place == "Biblioteket, møterom 1"
    axe_check(page)

    # Moving onto the next meeting is refused with a clear message.
    page.fill("#id_move-date", timezone.localtime(coming[2].starts_at).date().isoformat())
    page.fill("#id_move-time", timezone.localtime(coming[2].starts_at).strftime("%H:%M"))
    click(page, "form[action$='/flytt/'] button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert Meeting.objects.get(pk=coming[1].pk).starts_at == new_start
    axe_check(page)

    # Cancel the third meeting.
    page.goto(f"{base}/inne/{group.inside_token}/moter/{coming[2].pk}/")
    page.fill("#id_cancel-note", "Vi tar fri denne uka.")
    click(page, "form[action$='/avlys/'] button[type=submit]")
    assert Meeting.objects.get(pk=coming[2].pk).is_cancelled
    axe_check(page)

    # After a meeting: how many came.
    starts = timezone.now() - datetime.timedelta(days=1)
    held = Meeting.objects.create(
        group=group,
        occurrence=starts,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    page.goto(f"{base}/inne/{group.inside_token}/moter/{held.pk}/")
    axe_check(page)
    page.fill("#id_count-count", "5")
    click(page, "form[action$='/oppmote/'] button[type=submit]")
    assert Meeting.objects.get(pk=held.pk).attendance == 5
    axe_check(page)

    # The calendar address.
    page.goto(f"{base}/kalender/")
    axe_check(page)
    click(page, "main form button[type=submit]")
    assert CalendarFeed.objects.filter(user=me.user).exists()
    axe_check(page)

    # The group moves to Mondays and Thursdays; changed meetings stay as they are.
    page.goto(f"{base}/inne/{group.inside_token}/motetid/")
    axe_check(page)
    page.check("input[name=cadence][value=custom]")
    page.check("input[name=days][value=MO]")
    page.check("input[name=days][value=TH]")
    click(page, "main form button[type=submit]")
    axe_check(page)
    group.refresh_from_db()
    assert group.custom_days == "MO,TH"
    untouched = Meeting.objects.filter(
        group=group, starts_at__gt=timezone.now(), changed_at=None, cancelled_at=None
    )
    assert {timezone.localtime(m.starts_at).weekday() for m in untouched} == {0, 3}
    assert Meeting.objects.filter(pk__in=[coming[1].pk, coming[2].pk]).count() == 2
    coming[0] = untouched.order_by("starts_at").first()

    # The link from a reminder, without logging in: ask, register, undo.
    link = absence_url(membership=members[2], meeting=coming[0]).split("/", 3)[3]
    anonymous = open_as()
    anonymous.goto(f"{base}/{link}")
    axe_check(anonymous)
    assert not Absence.objects.exists()
    click(anonymous, "main form button[type=submit]")
    assert Absence.objects.filter(membership=members[2], meeting=coming[0]).exists()
    assert group.name not in anonymous.content()
    axe_check(anonymous)
    click(anonymous, "main form button[type=submit]")
    assert not Absence.objects.exists()
    axe_check(anonymous)
