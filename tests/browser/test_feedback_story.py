"""Three members answer the questions on a phone; the district office reads the
counts, and the contact point the lines, sorted. Nothing moves while a month
runs, and answers from months that are over show only in a batch of at least
three: with two, neither page shows the group at all, not even as "<3".
Every page checked with axe-core; nothing is loaded from another site."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
import time_machine

from feedback import services
from feedback.models import Answer, PendingAnswer
from organisations.models import StaffRole
from tests.factories import StaffRoleFactory, UserFactory, give_totp
from tests.feedback.test_feedback import NOW, OSLO, a_group, hold_meetings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
# Given in this order; shown sorted.
LINES = ["Trygt selv de tunge kveldene", "Godt å bli hørt", "Skulle ønske vi startet presis"]


def test_three_answers_show_to_the_contact_point_and_the_district(open_as, live_server, axe_check):
    with time_machine.travel(NOW, tick=True):
        group, memberships, district = a_group(3)
        hold_meetings(group, 5)
        contact_point_staff = UserFactory()
        give_totp(contact_point_staff)
        StaffRoleFactory(user=contact_point_staff, contact_point=group.contact_point)
        district_staff = UserFactory()
        give_totp(district_staff)
        StaffRoleFactory(
            user=district_staff,
            kind=StaffRole.Kind.DISTRICT_STAFF,
            district=district,
            contact_point=None,
        )
        base = live_server.url
        hosts: set[str] = set()

        def watched(page):
            page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
            return page

        def member_answers(index: int) -> None:
            page = watched(open_as(memberships[index].user))
            page.set_viewport_size(PHONE)
            page.goto(f"{base}{group.inside_url()}")
            page.get_by_role("link", name="Svar på spørsmålene").click()
            axe_check(page)
            page.get_by_label("4", exact=True).check()
            page.get_by_label("Delvis" if index == 1 else "Ja", exact=True).check()
            page.get_by_label("Er det noe du vil at kontaktpunktet skal vite?").fill(LINES[index])
            page.get_by_role("button", name="Send svarene mine").click()
            assert "Takk!" in page.content()
            axe_check(page)

        def staff_pages() -> tuple[str, str]:
            cp = watched(open_as(contact_point_staff, mfa=True))
            cp.goto(f"{base}/personale/kontaktpunkt/{group.contact_point.slug}/tilbakemeldinger/")
            axe_check(cp)
            dist = watched(open_as(district_staff, mfa=True))
            dist.goto(f"{base}/personale/statistikk/tilbakemeldinger/")
            axe_check(dist)
            return cp.content(), dist.content()

        member_answers(0)
        member_answers(1)
        cp_page, district_page = staff_pages()
        # While March runs, its answers count nowhere: the pages say so.
        assert "Ingenting å vise ennå." in cp_page
        assert "Tallene kommer i puljer på minst 3 svar" in cp_page
        assert "Tallene kommer i puljer på minst 3 svar" in district_page
        table = district_page[district_page.index("<tbody>") : district_page.index("</tbody>")]
        assert group.name not in table
        assert not any(line in cp_page + district_page for line in LINES)

    # In the night to 1 April in Oslo, March is over and its two answers are
    # filed (beat's run at 01:05), but they are no batch of three: they wait,
    # and nothing shows yet.
    with time_machine.travel(datetime.datetime(2026, 4, 1, 1, 10, tzinfo=OSLO), tick=True):
        assert services.file_answers() == 2
        cp_page, district_page = staff_pages()
        assert "Ingenting å vise ennå." in cp_page
        assert not any(line in cp_page for line in LINES[:2])
        table = district_page[district_page.index("<tbody>") : district_page.index("</tbody>")]
        assert group.name not in table and "&lt;3" not in table

        # The third member answers in April: nothing anyone sees moves.
        member_answers(2)
        assert (Answer.objects.count(), PendingAnswer.objects.count()) == (2, 1)
        cp_page, district_page = staff_pages()
        assert "Ingenting å vise ennå." in cp_page
        table = district_page[district_page.index("<tbody>") : district_page.index("</tbody>")]
        assert group.name not in table and ">3<" not in table
        assert not any(line in cp_page for line in LINES)

    # On 1 May, April is over too: a batch of three answers, the counts and the
    # lines show together.
    with time_machine.travel(datetime.datetime(2026, 5, 1, 1, 10, tzinfo=OSLO), tick=True):
        assert services.file_answers() == 1
        cp_page, district_page = staff_pages()
        assert "Ingenting å vise" not in cp_page
        positions = [cp_page.index(line) for line in sorted(LINES)]
        assert positions == sorted(positions)
        table = district_page[district_page.index("<tbody>") : district_page.index("</tbody>")]
        assert ">3<" in table
        assert not any(line in district_page for line in LINES)
    assert hosts == {urlsplit(base).netloc}
