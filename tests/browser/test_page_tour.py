"""A walk past the pages of every role, in Bokmål, Nynorsk and English.

The stories follow people through what they do; this walk makes sure every
role's pages are seen at least once in each language, so that axe-core and
the HTML check (``test_html_valid.py``) cover them all, the pages no story
reaches included.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.conf import settings
from django.utils import timezone

from meetings.schedule import aware
from organisations.models import InformationMeeting, StaffInvitation
from tests.conftest import MFA_ROLES, World, build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.unfolded,
    pytest.mark.django_db(transaction=True),
]


def information_meeting(w: World) -> int:
    """CP-A's information meeting, which the test makes beside the world."""
    return InformationMeeting.objects.get(contact_point=w.cp_a).pk


def own_board_post_deletion(w: World) -> str:
    """The page that asks before the member deletes a post of their own on G's board."""
    from board.services import post_create
    from groups.models import Membership

    post = post_create(
        membership=Membership.objects.get(group=w.group, user=w.user("member")),
        body="Jeg tar med kaffe på torsdag.",
    )
    return f"/inne/{w.group.inside_token}/tavle/{post.pk}/slett/"


# (role in build_world, the pages it visits); paths are filled from the world.
TOUR: dict[str, Callable[[World], list[str]]] = {
    "anonymous": lambda w: [
        "/",
        "/hva-er-en-selvhjelpsgruppe/",
        "/grupper/",
        f"/grupper/{w.group.slug}/",
        "/konto/login/",
        "/konto/signup/",
        "/konto/password/reset/",
        "/kontaktpunkter/",
        "/kontaktpunkter/?q=Alfakommune",
        f"/kontaktpunkter/{w.cp_a.slug}/",
        f"/kontaktpunkter/{w.cp_a.slug}/meld-fra/",
        f"/grupper/{w.group.slug}/meld-fra/",
        f"/grupper/{w.group.slug}/plakat/",
        f"/grupper/{w.group.slug}/kort/",
        f"/kontaktpunkter/{w.cp_a.slug}/plakat/",
        f"/kontaktpunkter/{w.cp_a.slug}/kort/",
        f"/kontaktpunkter/{w.cp_a.slug}/informasjonsmoter/{information_meeting(w)}/",
        "/grupper/?q=Alfakommune",
    ],
    "seeker": lambda w: [
        "/profil/",
        "/grupper/mine/",
        f"/bli-med/{w.digital_group.slug}/",
        "/bli-med/",
        "/interesse/ny/",
        "/interesse/",
        "/profil/taushetserklaeringer/",
        "/konto/invitasjon/tur-invitasjon/",
    ],
    "member": lambda w: [
        f"/grupper/{w.group.slug}/",
        f"/inne/{w.group.inside_token}/",
        f"/inne/{w.group.inside_token}/motet/",
        f"/inne/{w.group.inside_token}/motetid/",
        f"/inne/{w.group.inside_token}/taushetserklaering/",
        f"/inne/{w.group.inside_token}/taushetserklaering/gruppas-linjer/",
        f"/inne/{w.group.inside_token}/stotte/",
        f"/inne/{w.group.inside_token}/tavle/",
        own_board_post_deletion(w),
        f"/inne/{w.digital_group.inside_token}/",
        "/kalender/",
        "/profil/varsler/",
        "/profil/mine-data/",
        "/profil/slett/",
    ],
    # Left group G just now: the questions on leaving are open.
    "former_member": lambda w: [f"/tilbakemelding/{w.group.inside_token}/"],
    "initiator": lambda w: [
        f"/inne/{w.group.inside_token}/",
        f"/inne/{w.group.inside_token}/foresporsler/",
        "/grupper/mine/",
    ],
    "contact_point_staff": lambda w: [
        "/personale/",
        f"/personale/kontaktpunkt/{w.cp_a.slug}/",
        f"/personale/kontaktpunkt/{w.cp_a.slug}/invitasjoner/",
        f"/personale/interesse/{w.cp_a.slug}/",
        f"/personale/grupper/{w.group.slug}/",
        f"/personale/grupper/{w.draft_group.slug}/",
        f"/personale/grupper/{w.draft_group.slug}/endre/",
        "/personale/grupper/ny/",
        "/personale/stotte/",
        f"/personale/kontaktpunkt/{w.cp_a.slug}/oppforing/",
        f"/personale/kontaktpunkt/{w.cp_a.slug}/endringsmeldinger/",
        f"/personale/kontaktpunkt/{w.cp_a.slug}/informasjonsmoter/",
        f"/personale/kontaktpunkt/{w.cp_a.slug}/informasjonsmoter/ny/",
        f"/personale/kontaktpunkt/{w.cp_a.slug}/informasjonsmoter/{information_meeting(w)}/endre/",
        f"/personale/kontaktpunkt/{w.cp_a.slug}/tilbakemeldinger/",
    ],
    "district_staff": lambda w: [
        "/personale/",
        f"/personale/distrikt/{w.district_a.slug}/",
        f"/personale/kontaktpunkt/{w.cp_a.slug}/",
        f"/personale/kontaktpunkt/{w.cp_a.slug}/invitasjoner/",
        "/personale/statistikk/",
        "/personale/statistikk/?kart=venter",
        "/personale/statistikk/tilbakemeldinger/",
    ],
    "national_admin": lambda w: [
        "/personale/",
        f"/personale/distrikt/{w.district_b.slug}/",
        "/personale/statistikk/",
        f"/personale/statistikk/?distrikt={w.district_a.slug}",
        "/personale/revisjon/",
        "/personale/statistikk/tilbakemeldinger/",
    ],
}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("role", list(TOUR))
def test_every_role_sees_its_pages_in_every_language(
    role, language, open_as, live_server, axe_check
):
    world = build_world()
    StaffInvitation.objects.create(
        token="tur-invitasjon",
        email="ny.frivillig@example.org",
        kind=StaffInvitation.Kind.INITIATOR,
        contact_point=world.cp_a,
    )
    # 18.00 a week ahead of whatever day the walk runs: the pages show it as coming.
    starts = aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=7), datetime.time(18)
        )
    )
    InformationMeeting.objects.create(
        contact_point=world.cp_a,
        kommune=world.cp_a.kommune,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Biblioteket, møterom 2",
        description="Vi forteller om selvhjelpsgrupper.",
    )
    page = open_as(world.user(role), mfa=role in MFA_ROLES)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    for path in TOUR[role](world):
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, f"{path} as {role}: {response.status}"
        # Where a page redirects, the walk would check another page than named.
        assert page.url == live_server.url + path, f"{path} as {role} went to {page.url}"
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("main h1").count() == 1, path
        axe_check(page)
