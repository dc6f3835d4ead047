"""The group decides together, in the browser, with axe on every page.

1. A self-run group of five: A proposes to end it, B and C agree, D objects;
   the group still runs, everyone was told, and seven days later the proposal
   has lapsed. Then A proposes a pause, all agree, and the group is paused at
   once; everyone is told.
2. A closed group: the first on the waiting list gets the freed seat only
   after every member said yes; the seeker reads the outcome of every request
   and seat in their e-mail (offered, welcome, not this time, no longer held).
3. A group from an interest list goes forming → starting (two initiators, one
   hand-over) → self-run.

Seven days pass with time-machine: the live server runs in this process, so
its clock moves with the test's (the browser's own clock does not matter).
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from decisions import tasks as decision_tasks
from decisions.models import Proposal
from groups.models import Group, GroupInvitation, Membership
from interest.services import interest_invitation_accept, interest_register
from joining import tasks as joining_tasks
from joining.services import membership_add, membership_leave
from meetings.models import Meeting
from organisations.models import StaffInvitation
from tests.factories import (
    ContactPointFactory,
    GroupFactory,
    StaffRoleFactory,
    ThemeFactory,
    UserFactory,
    current_pledge,
    give_totp,
    signed,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.unfolded,
    pytest.mark.django_db(transaction=True),
]

PLACE = "Frivilligsentralen, møterom 2"
NAMES = ["Aud", "Bjørk", "Cecilie", "Dag", "Eli"]


def click(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def news(page) -> str:
    """The group's news as a member reads them: the fold opened first."""
    fold = page.locator(".group-notices")
    if fold.get_attribute("open") is None:
        fold.locator("summary").click()
    body = fold.locator(".fold__body")
    body.wait_for(state="visible")
    return body.inner_text()


def mails_to(user, subject: str | None = None) -> list:
    return [
        m for m in mail.outbox if user.email in m.to and (subject is None or m.subject == subject)
    ]


def answer(page, base: str, group: Group, proposal: Proposal, *, agrees: bool, note: str = ""):
    page.goto(f"{base}/inne/{group.inside_token}/")
    action = f"/inne/{group.inside_token}/forslag/{proposal.pk}/svar/"
    if agrees:
        click(page, f"form[action='{action}']:has(input[name=answer][value=yes]) button")
    else:
        page.fill(f"#objection-{proposal.pk}", note)
        click(page, f"form[action='{action}']:has(input[name=answer][value=no]) button")


def self_run_group(size: int, **extra) -> tuple[Group, list[Membership]]:
    current_pledge()
    group = GroupFactory(state=Group.State.SELF_RUN, capacity=8, place=PLACE, **extra)
    members = [
        signed(membership_add(group=group, user=UserFactory(display_name=name)))
        for name in NAMES[:size]
    ]
    group.refresh_from_db()
    return group, members


ASKED = "Selvhjelp: gruppa di blir bedt om å bestemme sammen"
DECIDED = "Selvhjelp: gruppa di har bestemt"
CLOSED = "Selvhjelp: et forslag i gruppa di er avsluttet"


def test_five_members_decide_to_end_and_then_to_pause(open_as, live_server, axe_check):
    base = live_server.url
    group, members = self_run_group(5)
    a, b, c, d, e = members
    pages = {m.pk: open_as(m.user) for m in members}

    # A proposes to end the group, with a note.
    pa = pages[a.pk]
    pa.goto(f"{base}/inne/{group.inside_token}/")
    axe_check(pa)
    click(pa, f"a[href='/inne/{group.inside_token}/forslag/ny/end/']")
    axe_check(pa)
    pa.fill("#id_note", "Vi har fått det vi kom for.")
    click(pa, "main form button[type=submit]")
    proposal = Proposal.objects.get(kind=Proposal.Kind.END)
    assert pa.locator("#open-proposals-title").is_visible()
    assert "Vi har fått det vi kom for." in pa.locator(".proposals").inner_text()
    axe_check(pa)

    # B and C agree, D objects with a note; E says nothing.
    answer(pages[b.pk], base, group, proposal, agrees=True)
    answer(pages[c.pk], base, group, proposal, agrees=True)
    answer(pages[d.pk], base, group, proposal, agrees=False, note="Jeg trenger gruppa fortsatt.")
    pd = pages[d.pk]
    assert "Du har en innvending." in pd.locator(".proposals").inner_text()
    assert "Jeg trenger gruppa fortsatt." in pd.locator(".proposals").inner_text()
    assert "3 av 5 er enige, 1 har innvendinger." in pd.locator(".proposals").inner_text()
    axe_check(pd)
    group.refresh_from_db()
    assert group.state == Group.State.SELF_RUN
    # Everyone but A was asked, neutrally.
    for member in (b, c, d, e):
        [notice] = mails_to(member.user, ASKED)
        assert group.name not in notice.subject + notice.body
        assert group.theme.name_nb not in notice.subject + notice.body
    assert not mails_to(a.user, ASKED)

    # Seven days later the proposal has lapsed: majority, but an objection.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1), tick=True):
        decision_tasks.settle_due.delay()
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.LAPSED
        group.refresh_from_db()
        assert group.state == Group.State.SELF_RUN
        for member in members:
            [told] = mails_to(member.user, CLOSED)
            assert "Forslaget om å avslutte gruppa ble ikke vedtatt." in told.body
        pe = pages[e.pk]
        pe.goto(f"{base}/inne/{group.inside_token}/")
        assert "Forslaget om å avslutte gruppa ble ikke vedtatt." in news(pe)
        axe_check(pe)

        # A proposes a pause; everyone agrees; the group is paused at once.
        pa.goto(f"{base}/inne/{group.inside_token}/forslag/ny/pause/")
        click(pa, "main form button[type=submit]")
        pause = Proposal.objects.get(kind=Proposal.Kind.PAUSE)
        for member in (b, c, d):
            answer(pages[member.pk], base, group, pause, agrees=True)
            group.refresh_from_db()
            assert group.state == Group.State.SELF_RUN
        answer(pages[e.pk], base, group, pause, agrees=True)
        group.refresh_from_db()
        assert group.state == Group.State.PAUSED
        pe = pages[e.pk]
        feed = news(pe)
        assert re.search(r"Gruppa har bestemt å ta pause fra \d+\. \w+\.", feed)
        axe_check(pe)
        for member in members:
            [told] = mails_to(member.user, DECIDED)
            assert "Gruppa har bestemt å ta pause fra" in told.body
        # The record of what the group decided.
        pe.goto(f"{base}/inne/{group.inside_token}/forslag/")
        axe_check(pe)


NOT_THIS_TIME = "Selvhjelp: om forespørselen din om å bli med i en gruppe"
WELCOME = "Selvhjelp: velkommen i gruppa"
OFFERED = "Selvhjelp: en plass er ledig til deg"
LAPSED_SEAT = "Selvhjelp: om plassen på ventelisten"


def test_a_closed_group_agrees_to_every_new_member_and_the_seeker_is_told(
    open_as, live_server, axe_check, console_errors
):
    base = live_server.url
    group, members = self_run_group(3, admission=Group.Admission.CLOSED, open_for_new_members=True)
    Group.objects.filter(pk=group.pk).update(capacity=3)
    first, second = UserFactory(display_name="Fjellrev"), UserFactory(display_name="Lerke")

    # Both join the waiting list of the full group from its public page.
    for seeker in (first, second):
        page = open_as(seeker)
        page.goto(f"{base}{group.get_absolute_url()}")
        assert "Full, med venteliste" in page.locator("main").inner_text()
        axe_check(page)
        click(page, f"form[action='/bli-med/{group.slug}/venteliste/'] button")

    # A member leaves: the seat is offered to the first waiting, by e-mail.
    membership_leave(group=group, user=members[2].user)
    assert len(mails_to(first, OFFERED)) == 1
    pf = open_as(first)
    pf.goto(f"{base}/bli-med/")
    axe_check(pf)
    click(pf, "form[action*='/bli-med/venteliste/']:has(input[value=accept]) button")
    assert "blir gruppas medlemmer spurt" in pf.locator("main").inner_text()
    axe_check(pf)
    seat = Proposal.objects.get(kind=Proposal.Kind.SEAT)

    # Not a member before every member said yes.
    p1 = open_as(members[0].user)
    answer(p1, base, group, seat, agrees=True)
    assert not group.memberships.active().filter(user=first).exists()
    p2 = open_as(members[1].user)
    p2.goto(f"{base}/inne/{group.inside_token}/")
    assert "Fjellrev, som står først på ventelisten" in p2.locator(".proposals").inner_text()
    axe_check(p2)
    answer(p2, base, group, seat, agrees=True)
    assert group.memberships.active().filter(user=first).exists()
    assert len(mails_to(first, WELCOME)) == 1

    # Another seat frees; the second waiting does not answer the offer in time.
    membership_leave(group=group, user=members[1].user)
    assert len(mails_to(second, OFFERED)) == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4), tick=True):
        joining_tasks.expire_seat_offers.delay()
        [lapsed] = mails_to(second, LAPSED_SEAT)
        assert "Digitale grupper" in lapsed.body and "/interesse/" in lapsed.body
        assert group.name not in lapsed.subject + lapsed.body
        ps = open_as(second)
        ps.goto(f"{base}/bli-med/")
        assert "Plasser som ikke lenger holdes av" in ps.locator("main").inner_text()
        axe_check(ps)

    # Requests to join: one a member says no to, one nobody answers; the
    # seeker reads the same kind words for both, with other ways to a group.
    open_group, (m1, m2) = self_run_group(
        2, admission=Group.Admission.CLOSED, open_for_new_members=True
    )
    no_user, silent_user, yes_user = (UserFactory() for _ in range(3))
    for seeker in (no_user, silent_user, yes_user):
        page = open_as(seeker)
        page.goto(f"{base}/bli-med/{open_group.slug}/")
        axe_check(page)
        page.fill("#id_message", "Hei!")
        click(page, "main form.form button[type=submit]")
    pm1, pm2 = open_as(m1.user), open_as(m2.user)
    consent = {r.user_id: r.consent for r in open_group.join_requests.all()}
    answer(pm1, base, open_group, consent[no_user.pk], agrees=False, note="")
    answer(pm1, base, open_group, consent[yes_user.pk], agrees=True)
    answer(pm2, base, open_group, consent[yes_user.pk], agrees=True)
    assert open_group.memberships.active().filter(user=yes_user).exists()
    assert len(mails_to(yes_user, WELCOME)) == 1
    assert len(mails_to(no_user, NOT_THIS_TIME)) == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1), tick=True):
        decision_tasks.settle_due.delay()
        [silence] = mails_to(silent_user, NOT_THIS_TIME)
        [refused] = mails_to(no_user, NOT_THIS_TIME)
        assert silence.body.replace(silent_user.display_name, "X") == refused.body.replace(
            no_user.display_name, "X"
        )
        page = open_as(silent_user)
        page.goto(f"{base}/bli-med/")
        text = page.locator("main").inner_text()
        assert "Ikke denne gangen" in text and "Ikke godtatt" not in text
        axe_check(page)
    console_errors.clear()


def test_from_the_interest_list_to_a_group_that_runs_itself(open_as, live_server, axe_check):
    base = live_server.url
    current_pledge()
    theme = ThemeFactory(name_nb="Samlivsbrudd")
    cp = ContactPointFactory()
    staff = UserFactory(display_name="Ingrid")
    StaffRoleFactory(user=staff, contact_point=cp)
    give_totp(staff)
    seekers = [UserFactory(display_name=name) for name in NAMES[:4]]
    for seeker in seekers:
        interest_register(user=seeker, theme=theme, format="digital", kommune=None)

    # Staff invite everyone on the list into a new forming group: no initiator yet.
    ps = open_as(staff, mfa=True)
    ps.goto(f"{base}/personale/interesse/{cp.slug}/start/{theme.slug}/digital/")
    ps.fill("#id_name", "Onsdagsgruppa")
    click(ps, "main form button[type=submit]")
    group = Group.objects.get(name="Onsdagsgruppa")
    assert ps.url == f"{base}/personale/grupper/{group.slug}/igangsettere/"
    assert "Gruppa har ingen igangsetter ennå" in ps.locator("main").inner_text()
    axe_check(ps)
    for seeker in seekers:
        invitation = GroupInvitation.objects.get(group=group, user=seeker)
        interest_invitation_accept(invitation=invitation, user=seeker)
        signed(group.memberships.get(user=seeker))

    def volunteer(email: str, name: str):
        user = UserFactory(email=email, display_name=name)
        give_totp(user)
        return user

    def accept_invitation(user) -> None:
        token = StaffInvitation.objects.get(email=user.email).token
        page = open_as(user, mfa=True)
        page.goto(f"{base}/konto/invitasjon/{token}/")
        axe_check(page)
        click(page, "main form button[type=submit]")

    # Staff invite a volunteer initiator by e-mail; she accepts.
    v1 = volunteer("kari@example.org", "Kari")
    ps.fill("#id_email", v1.email)
    click(ps, "main form.form button[type=submit]")
    assert len([m for m in mail.outbox if v1.email in m.to]) == 1
    accept_invitation(v1)
    assert group.memberships.active().filter(user=v1, role="initiator").exists()

    # She invites a co-initiator.
    v2 = volunteer("bjorn@example.org", "Bjørn")
    p1 = open_as(v1, mfa=True)
    p1.goto(f"{base}/personale/grupper/{group.slug}/igangsettere/")
    axe_check(p1)
    p1.fill("#id_email", v2.email)
    p1.check("input[name=purpose][value=co]")
    click(p1, "main form.form button[type=submit]")
    accept_invitation(v2)
    assert group.memberships.active().filter(role="initiator").count() == 2

    # The first meetings start; the members see it.
    signed(group.memberships.get(user=v1))
    p1.goto(f"{base}/inne/{group.inside_token}/")
    axe_check(p1)
    click(p1, f"form[action='/inne/{group.inside_token}/forslag/ny/start/'] button")
    group.refresh_from_db()
    assert group.state == Group.State.STARTING
    member_page = open_as(seekers[0])
    member_page.goto(f"{base}/inne/{group.inside_token}/")
    assert "Igangsetterne startet de første møtene" in news(member_page)
    axe_check(member_page)

    # The guide to the first meetings, with a checklist the initiators share.
    p1.goto(f"{base}/inne/{group.inside_token}/oppstart/")
    axe_check(p1)
    click(p1, "form:has(input[name=item][value=m1_expectations]) button")
    signed(group.memberships.get(user=v2))
    p2 = open_as(v2, mfa=True)
    p2.goto(f"{base}/inne/{group.inside_token}/oppstart/")
    assert "(Kari," in p2.locator("#m1_expectations").inner_text()
    axe_check(p2)

    # Bjørn hands his role over to Tor, who accepts; Bjørn steps out.
    v3 = volunteer("tor@example.org", "Tor")
    p2.goto(f"{base}/personale/grupper/{group.slug}/igangsettere/")
    p2.fill("#id_email", v3.email)
    p2.check("input[name=purpose][value=hand_over]")
    click(p2, "main form.form button[type=submit]")
    accept_invitation(v3)
    assert not group.memberships.active().filter(user=v2).exists()
    assert group.memberships.active().filter(role="initiator").count() == 2

    # A week on, the first meeting has been held and its count recorded.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8), tick=True):
        held = Meeting.objects.filter(group=group, starts_at__lte=timezone.now()).first()
        assert held is not None
        p1.goto(f"{base}/inne/{group.inside_token}/moter/{held.pk}/")
        p1.fill("#id_count-count", "4")
        click(p1, f"form[action$='/moter/{held.pk}/oppmote/'] button")
        # Kari steps back; Tor, the last initiator, finds the group ready and steps back too.
        p1.goto(f"{base}/inne/{group.inside_token}/")
        click(p1, f"form[action='/inne/{group.inside_token}/tre-tilbake/'] button")
        group.refresh_from_db()
        assert group.state == Group.State.STARTING
        signed(group.memberships.get(user=v3))
        p3 = open_as(v3, mfa=True)
        p3.goto(f"{base}/inne/{group.inside_token}/")
        axe_check(p3)
        click(p3, f"form[action='/inne/{group.inside_token}/tre-tilbake/'] button")
        group.refresh_from_db()
        assert group.state == Group.State.SELF_RUN
        member_page.goto(f"{base}/inne/{group.inside_token}/")
        # Under the fold «Det gruppa bestemmer»: read whether or not it is open.
        assert (
            "Gruppa går av seg selv: ingen bestemmer alene."
            in member_page.locator("main").text_content()
        )
        axe_check(member_page)
