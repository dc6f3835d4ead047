"""Joining a group in the browser, pledge included.

A seeker asks to join → the initiator accepts → the seeker cannot see the
place until signing the confidentiality pledge → signs → sees the place → a
new pledge version closes the group again until re-signed → the seeker leaves
→ the first person on the waiting list is offered the seat.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from groups.models import Group, Membership
from joining.models import WaitingListEntry
from joining.services import membership_add, waiting_list_join
from pledges.models import Pledge
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.unfolded]

PLACE = "Frivilligsentralen, møterom 2"


def _click_post(page, action_part, answer=None):
    selector = f"form[action*='{action_part}']"
    if answer:
        selector += f":has(input[name=answer][value={answer}])"
    with page.expect_navigation():
        page.locator(f"{selector} button[type=submit]").first.click()


def _sign(page, name):
    page.check("#id_promise")
    page.fill("#id_typed_name", name)
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").first.click()


def test_request_accept_sign_resign_leave_and_offer(
    transactional_db, open_as, live_server, axe_check, console_errors
):
    base = live_server.url
    Pledge.objects.get_or_create(
        version=1,
        defaults={
            "text_nb": "Det som sies i gruppa, blir i gruppa.",
            "text_en": "What is said in the group stays in the group.",
            "published_at": timezone.now(),
        },
    )
    group = GroupFactory(
        state=Group.State.FORMING, capacity=3, place=PLACE, start_time=datetime.time(18)
    )
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR).user
    others = [UserFactory(display_name=name) for name in ("Kari", "Ola")]
    for other in others:
        membership_add(group=group, user=other)
    seeker = UserFactory(display_name="Sol")
    waiting = UserFactory(display_name="Fjellrev")

    # The seeker asks to join from the public page.
    page = open_as(seeker)
    page.goto(f"{base}{group.get_absolute_url()}")
    axe_check(page)
    with page.expect_navigation():
        page.locator(f"a[href='/bli-med/{group.slug}/']").click()
    axe_check(page)
    page.fill("#id_message", "Hei! Jeg vil gjerne være med.")
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    assert page.url == f"{base}/bli-med/"
    axe_check(page)

    # The initiator (who has signed) accepts.
    init_page = open_as(initiator)
    init_page.goto(f"{base}/inne/{group.inside_token}/taushetserklaering/")
    _sign(init_page, initiator.display_name)
    init_page.goto(f"{base}/inne/{group.inside_token}/foresporsler/")
    assert "Jeg vil gjerne være med" in init_page.locator("main").inner_text()
    axe_check(init_page)
    _click_post(init_page, "/foresporsler/", answer="yes")
    group.refresh_from_db()
    assert group.member_count == 3  # the group is now full

    # A second seeker can only join the waiting list.
    waiting_list_join(group=group, user=waiting)

    # Not signed yet: nothing inside, and never the place.
    page.goto(f"{base}/inne/{group.inside_token}/")
    assert page.url == f"{base}/inne/{group.inside_token}/taushetserklaering/"
    assert PLACE not in page.content()
    axe_check(page)
    # A wrong name signs nothing.
    _sign(page, "Noen andre")
    assert PLACE not in page.content()
    assert page.locator("[aria-invalid=true]").count() >= 1
    _sign(page, "sol")  # case does not matter
    page.goto(f"{base}/inne/{group.inside_token}/")
    assert PLACE in page.locator("main").inner_text()
    axe_check(page)

    # A new version of the pledge closes the group until signed again.
    Pledge.objects.create(
        version=2,
        text_nb="Ny tekst: det som sies i gruppa, blir i gruppa.",
        text_en="New text.",
        published_at=timezone.now(),
    )
    page.goto(f"{base}/inne/{group.inside_token}/")
    assert page.url.endswith(f"/inne/{group.inside_token}/taushetserklaering/")
    assert "Ny tekst" in page.locator("main").inner_text()
    assert PLACE not in page.content()
    _sign(page, "Sol")
    page.goto(f"{base}/inne/{group.inside_token}/")
    assert PLACE in page.locator("main").inner_text()
    page.goto(f"{base}/profil/taushetserklaeringer/")
    # A member can always see what they signed and when: both versions.
    versions = page.locator("main tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(v.strip() for v in versions) == ["1", "2"]
    axe_check(page)

    # Leaving takes one click, no reason asked; the group sees it.
    page.goto(f"{base}/inne/{group.inside_token}/")
    _click_post(page, f"/inne/{group.inside_token}/forlat/")
    group.refresh_from_db()
    assert group.member_count == 2
    assert not Membership.objects.active().filter(group=group, user=seeker).exists()
    response = page.goto(f"{base}/inne/{group.inside_token}/")
    assert response.status == 404
    console_errors.clear()  # that 404 was the point

    # The first on the waiting list gets the seat offered, by a neutral e-mail.
    entry = WaitingListEntry.objects.get(group=group, user=waiting)
    assert entry.status == WaitingListEntry.Status.OFFERED
    offer_mail = [m for m in mail.outbox if waiting.email in m.to]
    assert len(offer_mail) == 1
    assert group.theme.name_nb not in offer_mail[0].subject
    waiting_page = open_as(waiting)
    waiting_page.goto(f"{base}/bli-med/")
    axe_check(waiting_page)
    _click_post(waiting_page, "/bli-med/venteliste/", answer="accept")
    assert Membership.objects.active().filter(group=group, user=waiting).exists()

    # The remaining members see who left, by initial only.
    kari = open_as(others[0])
    kari.goto(f"{base}/inne/{group.inside_token}/taushetserklaering/")
    _sign(kari, "Kari")
    kari.goto(f"{base}/inne/{group.inside_token}/")
    assert "S." in kari.locator("main").inner_text()
