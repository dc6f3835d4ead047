"""No log line names the group a member acts in.

Members of a group whose name, slug and theme are known use its inside pages
through the test client: pages, forms, a meeting and its calendar file, a
mistyped address (404) and a wrong method (405). Every request is written out
the way the web server would log it, with gunicorn's own formatting code
(``gunicorn.glogging.Logger.atoms``, the format in the ``Dockerfile`` and
gunicorn's default, which adds the query, referrer and user agent) and the way
``runserver`` logs it to ``django.server``; Django's request logger
(``django.request``: the 404 and 405 warnings, with the path) and every other
logger are captured too. None of those lines may hold the group's name, slug
or theme: inside addresses name the group by its opaque token.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from groups.models import Group, Membership
from meetings import services as meeting_services
from meetings.models import CalendarFeed, Meeting
from meetings.services import meetings_materialise
from tests.conftest import login
from tests.factories import GroupFactory, MembershipFactory, ThemeFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)  # a Monday


def production_access_format() -> str:
    """The ``--access-logformat`` the production image runs gunicorn with."""
    dockerfile = (Path(settings.BASE_DIR) / "Dockerfile").read_text()
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.M)[1])
    return command[command.index("--access-logformat") + 1]


class _Response:
    """What gunicorn's logger reads from the response it sent."""

    def __init__(self, response: HttpResponse) -> None:
        self.status = f"{response.status_code} {response.reason_phrase}"
        self.sent = len(response.content) if not response.streaming else 0
        self.headers = list(response.items())


def access_lines(response: HttpResponse) -> list[str]:
    """The request as gunicorn's access log writes it, in both formats."""
    request = response.wsgi_request
    environ = dict(request.META)
    query = environ.get("QUERY_STRING", "")
    environ["RAW_URI"] = environ["PATH_INFO"] + (f"?{query}" if query else "")
    environ.setdefault("SERVER_PROTOCOL", "HTTP/1.1")
    headers = [
        (key[5:].replace("_", "-"), value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    ]
    config = Config()
    atoms = Logger(config).atoms(
        _Response(response), headers, environ, datetime.timedelta(milliseconds=12)
    )
    formats = (production_access_format(), config.access_log_format)
    return [fmt % SafeAtoms(atoms) for fmt in formats]


def runserver_line(response: HttpResponse) -> None:
    """Logged through ``django.server`` as ``runserver`` does (its format, its logger)."""
    request = response.wsgi_request
    logging.getLogger("django.server").info(
        '"%s %s %s" %s %s',
        request.method,
        request.get_full_path(),
        "HTTP/1.1",
        response.status_code,
        len(response.content) if not response.streaming else 0,
    )


@pytest.fixture
def secret_group(db) -> Group:
    theme = ThemeFactory(
        slug="spiseforstyrrelser",
        name_nb="Spiseforstyrrelser",
        name_nn="Eteforstyrringar",
        name_en="Eating disorders",
    )
    return GroupFactory(
        slug="lysglimt-drammen",
        name="Lysglimt",
        theme=theme,
        state=Group.State.SELF_RUN,
        weekday=Group.Weekday.TUESDAY,
        start_time=datetime.time(18),
    )


def forbidden_words(group: Group) -> list[str]:
    theme = group.theme
    return [group.slug, group.name, theme.slug, theme.name_nb, theme.name_nn, theme.name_en]


def test_member_actions_leave_no_group_name_or_slug_in_any_log(secret_group, client, caplog):
    group = secret_group
    with time_machine.travel(NOW, tick=False):
        initiator = MembershipFactory(
            group=group, role=Membership.Role.INITIATOR, pledge_signed=True
        )
        member = MembershipFactory(group=group, pledge_signed=True)
        MembershipFactory(group=group, pledge_signed=True)
        meetings_materialise(group_id=group.pk)
        meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).earliest(
            "starts_at"
        )
        meeting_services.calendar_feed_renew(user=member.user)
        feed = CalendarFeed.objects.get(user=member.user)
        login(client, member.user)

        caplog.set_level(logging.DEBUG)
        inside = group.inside_url("groups:inside")
        visits = [
            ("get", inside, {}),
            ("get", group.inside_url("groups:meeting_guide"), {}),
            ("get", group.inside_url("pledges:sign"), {}),
            ("get", group.inside_url("decisions:proposals"), {}),
            ("get", group.inside_url("joining:group_requests"), {}),
            ("get", group.inside_url("meetings:schedule"), {}),
            ("get", meeting.get_absolute_url(), {}),
            ("get", group.inside_url("meetings:ics", pk=meeting.pk), {}),
            ("post", group.inside_url("meetings:absence", pk=meeting.pk), {"action": "register"}),
            ("post", group.inside_url("groups:hosting_toggle"), {"hosts": ""}),
            # The board: a post (its notice goes to the other member), reading it.
            ("post", group.inside_url("board:board"), {"body": group.description}),
            ("get", group.inside_url("board:board"), {}),
            ("post", group.inside_url("board:notices"), {"notices": "off"}),
            ("get", f"/kalender/{feed.token}.ics", {}),
            ("get", inside + "finnes-ikke/", {}),  # 404: django.request logs the path
            ("post", inside, {}),  # 405: django.request logs the path
        ]
        lines: list[str] = []
        for method, url, data in visits:
            response = getattr(client, method)(url, data, HTTP_REFERER=f"http://testserver{inside}")
            lines += access_lines(response)
            runserver_line(response)
        # The initiator's pages too (the start-up guide names no group either).
        login(client, initiator.user)
        response = client.get(group.inside_url("groups:starting_guide"))
        lines += access_lines(response)
        runserver_line(response)

    statuses = {r.levelno for r in caplog.records if r.name == "django.request"}
    assert statuses == {logging.WARNING}, "the 404 and 405 were not logged"
    assert any(r.name == "django.server" for r in caplog.records)
    lines += [r.getMessage() for r in caplog.records if not r.name.startswith("factory")]
    assert any(group.inside_token in line for line in lines)
    for line in lines:
        for word in forbidden_words(group):
            assert word.lower() not in line.lower(), f"{word!r} in a log line: {line!r}"


def test_the_calendar_feed_links_to_the_inside_by_token(secret_group, client):
    with time_machine.travel(NOW, tick=False):
        member = MembershipFactory(group=secret_group, pledge_signed=True)
        meetings_materialise(group_id=secret_group.pk)
        meeting_services.calendar_feed_renew(user=member.user)
        feed = CalendarFeed.objects.get(user=member.user)
        body = client.get(f"/kalender/{feed.token}.ics").content.decode()
    urls = re.findall(r"^URL:(.*)$", body.replace("\r\n ", ""), re.M)
    assert urls and all(f"/inne/{secret_group.inside_token}/" in url for url in urls)
    for word in forbidden_words(secret_group):
        assert word.lower() not in body.lower()
