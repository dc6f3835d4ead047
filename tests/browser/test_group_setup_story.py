"""The whole start of a group, as the people involved do it in the browser.

Four seekers join the interest list in Drammen → the contact point is told
the quorum is reached → a volunteer initiator creates the group, the contact
point invites the four in one step → they accept → the first meetings start →
everyone signs the confidentiality pledge before seeing inside → the initiator
steps back and can no longer open the group (404), while the
members still reach them as follow-up contact → host of the week rotates.

Pages are checked with axe on the way. Logins are made with the test client
and handed to the browser as a session cookie (the login pages have their own
browser tests).
"""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection

from groups.models import Group, HostTurn, Membership, SupportRequest, Theme
from groups.rotation import rotation_plan
from interest.models import InterestRegistration, QuorumAlert
from organisations.models import ContactPoint, StaffRole
from places.models import Kommune
from places.selectors import clear_cache
from pledges.services import pledge_sign
from tests.factories import UserFactory, current_pledge, give_totp, ready_to_run_itself

pytestmark = [pytest.mark.browser, pytest.mark.unfolded]

_gazetteer = importlib.import_module("places.migrations.0003_load_gazetteer")


@pytest.fixture
def drammen(transactional_db):
    if not Kommune.objects.filter(number="3301").exists():
        _gazetteer.load(apps, SimpleNamespace(connection=connection))
    clear_cache()
    kommune = Kommune.objects.get(number="3301")
    pledge = current_pledge()  # an earlier transactional test may have flushed it
    theme = Theme.objects.get_or_create(
        slug="sorg-story", defaults={"name_nb": "Sorg", "name_en": "Grief"}
    )[0]
    contact_point = ContactPoint.objects.create(
        slug="frisklivssentralen-drammen",
        name="Frisklivssentralen i Drammen",
        kind=ContactPoint.Kind.FRISKLIVSSENTRAL,
        kommune=kommune,
        public_email="frisklivs@drammen.example",
        public_phone="+47 32 00 00 00",
    )
    staff = UserFactory(display_name="Kari Kontakt")
    StaffRole.objects.create(
        user=staff, kind=StaffRole.Kind.CONTACT_POINT_STAFF, contact_point=contact_point
    )
    give_totp(staff)
    initiator = UserFactory(display_name="Ivar Igangsetter")
    StaffRole.objects.create(
        user=initiator, kind=StaffRole.Kind.INITIATOR, contact_point=contact_point
    )
    give_totp(initiator)
    seekers = [UserFactory(display_name=name) for name in ("Sol", "Fjellrev", "Kari", "Ola")]
    yield SimpleNamespace(
        kommune=kommune,
        theme=theme,
        contact_point=contact_point,
        staff=staff,
        initiator=initiator,
        seekers=seekers,
        pledge=pledge,
    )
    clear_cache()


def _submit(page, selector="main form.form button[type=submit]"):
    with page.expect_navigation():
        page.locator(selector).first.click()


def _post_button(page, action_suffix):
    with page.expect_navigation():
        page.locator(f"form[action$='{action_suffix}'] button[type=submit]").first.click()


def test_a_group_starts_runs_itself_and_its_initiator_steps_back(
    drammen, open_as, live_server, axe_check, console_errors
):
    base = live_server.url
    pledge = drammen.pledge

    # 1. Four seekers put themselves on the interest list in Drammen.
    for number, seeker in enumerate(drammen.seekers):
        page = open_as(seeker)
        page.goto(f"{base}/interesse/ny/")
        page.select_option("#id_theme", drammen.theme.slug)
        page.check("input[name=format][value=in_person]")
        page.fill("#id_place", "Drammen")
        _submit(page)
        assert page.url == f"{base}/interesse/"
        if number == 0:
            axe_check(page)
        page.context.close()
    assert InterestRegistration.objects.filter(withdrawn_at__isnull=True).count() == 4

    # 2. The contact point is told, once, with a subject that names no theme.
    alert = QuorumAlert.objects.get()
    assert alert.contact_point == drammen.contact_point
    quorum_mail = [m for m in mail.outbox if drammen.contact_point.public_email in m.to]
    assert len(quorum_mail) == 1
    assert drammen.theme.name_nb not in quorum_mail[0].subject

    # 3. The volunteer initiator creates the group and publishes it.
    page = open_as(drammen.initiator, mfa=True)
    page.goto(f"{base}/personale/grupper/ny/")
    axe_check(page)
    page.select_option("#id_theme", str(drammen.theme.pk))
    page.fill("#id_name", "Tirsdagsgruppa")
    page.check("input[name=format][value=in_person]")
    page.select_option("#id_kommune", str(drammen.kommune.pk))
    page.fill("#id_area", "Bragernes")
    page.fill("#id_place", "Frivilligsentralen, møterom 2")
    page.select_option("#id_weekday", str(Group.Weekday.TUESDAY))
    page.fill("#id_start_time", "18:00")
    page.fill("#id_capacity", "8")
    _submit(page)
    group = Group.objects.get(name="Tirsdagsgruppa")
    assert group.state == Group.State.DRAFT
    assert page.url.endswith(f"/personale/grupper/{group.slug}/")
    axe_check(page)
    _post_button(page, f"/{group.slug}/handling/publish/")
    group.refresh_from_db()
    assert group.state == Group.State.FORMING
    initiator_page = page

    # 4. The contact point invites everyone on the list in one step.
    page = open_as(drammen.staff, mfa=True)
    page.goto(f"{base}/personale/interesse/{drammen.contact_point.slug}/")
    axe_check(page)
    with page.expect_navigation():
        page.locator(f"a[href*='alert={alert.pk}']").click()
    page.select_option("#id_group", str(group.pk))
    _submit(page)
    assert group.invitations.count() == 4

    # 5. The four accept from their own page.
    for seeker in drammen.seekers:
        page = open_as(seeker)
        page.goto(f"{base}/interesse/")
        with page.expect_navigation():
            page.locator(
                "form[action*='/invitasjon/'] input[value=accept] ~ button, "
                "form[action*='/invitasjon/'] button[value=accept]"
            ).first.click()
        page.context.close()
    group.refresh_from_db()
    assert group.member_count == 4
    assert set(
        Membership.objects.active()
        .filter(group=group, role=Membership.Role.MEMBER)
        .values_list("user__display_name", flat=True)
    ) == {"Sol", "Fjellrev", "Kari", "Ola"}

    # 6. The first meetings start, with the initiator taking part.
    initiator_page.goto(f"{base}/personale/grupper/{group.slug}/")
    _post_button(initiator_page, f"/{group.slug}/handling/start/")
    group.refresh_from_db()
    assert group.state == Group.State.STARTING

    # Nobody sees inside before signing the confidentiality pledge: the
    # initiator is sent to the signing page and signs there ...
    initiator_page.goto(f"{base}/inne/{group.inside_token}/")
    assert initiator_page.url == f"{base}/inne/{group.inside_token}/taushetserklaering/"
    assert "møterom 2" not in initiator_page.content()
    axe_check(initiator_page)
    initiator_page.check("#id_promise")
    initiator_page.fill("#id_typed_name", "ivar igangsetter")
    _submit(initiator_page)
    assert initiator_page.url == f"{base}/inne/{group.inside_token}/"
    # ... and the members sign too (their signing page is the same).
    for membership in Membership.objects.active().filter(group=group, role=Membership.Role.MEMBER):
        pledge_sign(
            membership=membership,
            pledge_version=pledge.version,
            lines_revision=0,
            typed_name=membership.user.display_name,
        )
    initiator_page.goto(f"{base}/inne/{group.inside_token}/")
    assert "Sol" in initiator_page.locator("main").inner_text()
    axe_check(initiator_page)

    # 7. The group has met and counted who came (a meeting is held); it is ready
    # to run itself, so the initiator steps back: the group now runs itself ...
    ready_to_run_itself(group, members=4, meetings=1)
    initiator_page.goto(f"{base}/inne/{group.inside_token}/")
    _post_button(initiator_page, f"/inne/{group.inside_token}/tre-tilbake/")
    group.refresh_from_db()
    assert group.state == Group.State.SELF_RUN
    assert group.open_for_new_members is False
    # ... and the initiator no longer sees inside it.
    response = initiator_page.goto(f"{base}/inne/{group.inside_token}/")
    assert response.status == 404
    assert "Sol" not in initiator_page.content()
    assert "møterom 2" not in initiator_page.content()
    console_errors.clear()  # that 404 was the point

    # 8. The members still see the initiator as follow-up contact and ask for help.
    sol = drammen.seekers[0]
    page = open_as(sol)
    page.goto(f"{base}/inne/{group.inside_token}/")
    inside = page.locator("main").inner_text()
    assert "Ivar Igangsetter" in inside and drammen.contact_point.name in inside
    assert "møterom 2" in inside
    axe_check(page)
    page.goto(f"{base}/inne/{group.inside_token}/stotte/")
    page.fill("#id_message", "Vi trenger hjelp med en vanskelig situasjon.")
    _submit(page)
    assert SupportRequest.objects.filter(group=group).count() == 1
    initiator_page.goto(f"{base}/personale/stotte/")
    assert "Vi trenger hjelp" in initiator_page.locator("main").inner_text()
    axe_check(initiator_page)

    # 9. Host of the week: two members take turns, and the turn moves on.
    for seeker in drammen.seekers[:2]:
        member_page = open_as(seeker)
        member_page.goto(f"{base}/inne/{group.inside_token}/")
        _post_button(member_page, f"/inne/{group.inside_token}/vert/")
        member_page.context.close()
    monday = datetime.date.today() - datetime.timedelta(days=datetime.date.today().weekday())
    rotation_plan(group=group, today=monday)
    turns = list(HostTurn.objects.filter(group=group).order_by("week")[:2])
    assert turns[0].membership.user != turns[1].membership.user
    page.goto(f"{base}/inne/{group.inside_token}/")
    this_week = turns[0].membership.user.display_name
    assert this_week in page.locator(".rotation").inner_text()
    axe_check(page)
