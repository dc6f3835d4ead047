"""The message board on a phone: a member posts, another gets a neutral notice
and reads the post and turns notices off (and gets none for the next post), a
third posts and then leaves and their post is gone; the first deletes their own
post after a confirmation; once the group has ended, its board is read but
takes no new posts. Every page checked with axe; nothing is loaded from
another site."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from board.models import Post
from groups.models import Group
from notifications.models import OutgoingMessage
from tests.factories import GroupFactory, MembershipFactory, ThemeFactory, current_pledge

pytestmark = [pytest.mark.browser, pytest.mark.unfolded, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
NOW = datetime.datetime(2026, 3, 17, 18, 30, tzinfo=ZoneInfo("Europe/Oslo"))
FIRST = "Jeg tar med kaffe og boller på torsdag."
LEAVING = "Takk for meg, dette blir min siste uke."


def watched(page, hosts: set[str]):
    """``page``, with the host of every request it makes added to ``hosts``."""
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    return page


def post(page, text: str) -> None:
    page.get_by_label("Meldingen din").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Legg ut meldingen").click()


def test_post_notice_read_leave_and_delete(open_as, live_server, axe_check, console_errors):
    with time_machine.travel(NOW, tick=True):
        current_pledge()
        theme = ThemeFactory(name_nb="Sorg", name_nn="Sorg", name_en="Grief")
        group = GroupFactory(state=Group.State.SELF_RUN, theme=theme, name="Torsdagsgruppa Lyset")
        writer, reader, leaver = (
            MembershipFactory(group=group, pledge_signed=True) for _ in range(3)
        )
        base = live_server.url
        hosts: set[str] = set()
        board = f"{base}{group.inside_url('board:board')}"

        # A member finds the board on the group's page and posts.
        page = watched(open_as(writer.user), hosts)
        page.set_viewport_size(PHONE)
        page.goto(f"{base}{group.inside_url()}")
        with page.expect_navigation():
            page.get_by_role("link", name="Meldingstavle").click()
        assert page.url == board
        axe_check(page)
        # An empty post is refused with a clear message.
        post(page, "   ")
        assert "Skriv en melding før du legger den ut." in page.content()
        axe_check(page)
        post(page, FIRST)
        assert FIRST in page.content()
        axe_check(page)

        # The others get one neutral notice each: no text, no theme, no name.
        rows = OutgoingMessage.objects.filter(kind="board_post")
        assert {row.recipient_id for row in rows} == {reader.user_id, leaver.user_id}
        [notice] = [m for m in mail.outbox if reader.user.email in m.to]
        assert notice.subject == "Det er en ny melding i en av gruppene dine"
        for secret in (FIRST, group.name, theme.name_nb, writer.user.display_name):
            assert secret not in notice.subject + notice.body
        link = next(line for line in notice.body.splitlines() if "/tavle/" in line)

        # The second member follows the link from the notice and reads the post.
        page2 = watched(open_as(reader.user), hosts)
        page2.set_viewport_size(PHONE)
        page2.goto(f"{base}{urlsplit(link.strip()).path}")
        assert FIRST in page2.content() and writer.user.display_name in page2.content()
        axe_check(page2)
        with page2.expect_navigation():
            page2.get_by_role("button", name="Slå av varsler for denne tavla").click()
        assert "Du får ingen varsler fra denne tavla." in page2.content()
        axe_check(page2)

        # The third posts, then leaves the group: their post goes with them.
        page3 = watched(open_as(leaver.user), hosts)
        page3.set_viewport_size(PHONE)
        page3.goto(board)
        post(page3, LEAVING)
        assert Post.objects.filter(membership=leaver).exists()
        page3.goto(f"{base}{group.inside_url()}")
        with page3.expect_navigation():
            page3.locator(f"form[action$='{group.inside_url('joining:leave')}'] button").click()
        assert not Post.objects.filter(membership=leaver).exists()
        page2.goto(board)
        assert LEAVING not in page2.content() and FIRST in page2.content()
        # Notices stay off: the page still says so, and the leaver's post told them nothing.
        assert "Du får ingen varsler fra denne tavla." in page2.content()
        assert not [m for m in mail.outbox if reader.user.email in m.to and m is not notice]
        axe_check(page2)

        # The first member deletes their own post after a confirmation.
        page.goto(board)
        with page.expect_navigation():
            page.get_by_role("link", name="Slett meldingen min").click()
        axe_check(page)
        assert Post.objects.filter(membership=writer).exists()
        with page.expect_navigation():
            page.get_by_role("button", name="Slett meldingen").click()
        assert not Post.objects.exists()
        assert "Ingen meldinger ennå." in page.content()
        axe_check(page)

        # The group ends: what is there can still be read, but nothing new is posted.
        post(page2, "Takk for alle torsdagene")
        Group.objects.filter(pk=group.pk).update(state=Group.State.ENDED)
        page.goto(board)
        assert "Takk for alle torsdagene" in page.content()
        assert page.get_by_role("button", name="Legg ut meldingen").count() == 0
        assert page.get_by_text("Gruppa er avsluttet").is_visible()
        axe_check(page)
        assert hosts == {urlsplit(base).netloc}
