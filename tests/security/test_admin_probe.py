"""A national administrator cannot learn who is in which group.

The probe logs in as a national admin (staff role, Django superuser, TOTP),
walks every page of the staff area and the admin site it can reach by links
(changelists, filters, change and history pages), and looks on each page for
a member's e-mail address or display name beside the name or address of a
group that person belongs to.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.utils import timezone

from board.services import post_create
from core.models import AuditEvent, names_group
from feedback.models import Answer
from groups.models import Membership
from joining.services import join_request_create, membership_leave
from meetings.models import Meeting
from meetings.services import meeting_cancel, meetings_materialise
from notifications.models import OutgoingMessage
from pledges.models import Pledge
from pledges.services import pledge_sign
from tests.conftest import build_world, client_for

pytestmark = pytest.mark.django_db

NOW = "2026-03-03 12:00 +01:00"
ROOTS = ("/personale/", "/admin/")
# Pages that act rather than show, leave the probe's session or the site
# ("view on site"), and the same page again in another order or with the
# list's filters carried along.
SKIP = re.compile(
    r"/logout/|/delete/|/password/|/password_change/|^/admin/r/|[?&](o|_changelist_filters)="
)
LINK = re.compile(r'href="([^"#]+)')
# What members wrote to each other and to their contact point: no staff page shows it.
BOARD_TEXT = "Jeg tar med kaffe til torsdagsmøtet"
FEEDBACK_TEXT = "Godt å bli hørt i denne gruppa"
# Of the gazetteer's thousands of rows a sample shows every field.
PER_MODEL = 25
MAX_PAGES = 1500


def _life_in_groups(world) -> None:
    """Events across a member's life in a group, through the real services."""
    group = world.group
    unsigned = Membership.objects.get(group=group, user=world.user("member_unsigned"))
    pledge = Pledge.objects.current()
    pledge_sign(
        membership=unsigned,
        pledge_version=pledge.version,
        lines_revision=0,
        typed_name=unsigned.user.display_name,
    )
    meetings_materialise(group_id=group.pk)
    meeting = Meeting.objects.filter(group=group).order_by("starts_at").first()
    assert meeting is not None
    meeting_cancel(meeting=meeting, actor=world.user("member"))
    join_request_create(group=world.group_b, user=world.user("seeker"))
    membership_leave(group=world.digital_group, user=world.other_member)
    member = Membership.objects.get(group=group, user=world.user("member"))
    post_create(membership=member, body=BOARD_TEXT)
    for works in (3, 4, 5):  # enough answers for the contact point to read the line
        Answer.objects.create(
            group=group,
            month=timezone.localdate().replace(day=1),
            works=works,
            safe="yes",
            text=f"{FEEDBACK_TEXT} ({works})",
        )


def _crawl(client) -> dict[str, str]:
    pages: dict[str, str] = {}
    per_model: dict[str, int] = {}
    queue = [*ROOTS, *(f"/personale/revisjon/?event={e}" for e in AuditEvent.Event.values)]
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in pages or SKIP.search(url):
            continue
        model = re.match(r"(/admin/\w+/\w+/)\d+/", url)
        if model:
            per_model[model[1]] = per_model.get(model[1], 0) + 1
            if per_model[model[1]] > PER_MODEL:
                continue
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            pages[url] = ""
            continue
        body = response.content.decode()
        pages[url] = body
        for href in LINK.findall(body):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith(ROOTS):
                continue
            # Filters one at a time: every value of every filter, not their products.
            if parts.query.count("&") > 0:
                continue
            queue.append(target)
    return pages


def test_a_national_admin_finds_no_member_beside_their_group():
    with time_machine.travel(NOW, tick=False):
        world = build_world()
        _life_in_groups(world)
        assert OutgoingMessage.objects.filter(recipient__isnull=False).exists()
        assert OutgoingMessage.objects.filter(kind="board_post").exists()
        client = client_for(world, "national_admin")
        pages = _crawl(client)

    admin_pages = [url for url in pages if url.startswith("/admin/")]
    assert len(pages) < MAX_PAGES  # the walk ended by itself: every page was seen
    assert any(re.search(r"/admin/core/auditevent/\d+/change/", u) for u in admin_pages)
    assert any(re.search(r"/admin/notifications/outgoingmessage/\d+/change/", u) for u in pages)
    assert any(re.search(r"/admin/groups/group/\d+/change/", u) for u in pages)
    assert any(re.search(r"/admin/accounts/user/\d+/change/", u) for u in pages)

    pairs = []
    for membership in Membership.objects.select_related("user", "group"):
        people = [membership.user.email, membership.user.display_name]
        group = [membership.group.name, membership.group.slug]
        for url, body in pages.items():
            if any(p in body for p in people) and any(g in body for g in group):
                pairs.append((url, membership.user.email, membership.group.slug))
    assert pairs == []
    assert len(pages) > 100
    said = [url for url, body in pages.items() if BOARD_TEXT in body or FEEDBACK_TEXT in body]
    assert said == []
    assert "/personale/statistikk/tilbakemeldinger/" in pages


def test_no_audit_row_names_both_a_person_and_a_group():
    with time_machine.travel(NOW, tick=False):
        world = build_world()
        _life_in_groups(world)
    rows = AuditEvent.objects.exclude(actor=None).exclude(event="matrix.example")
    from django.apps import apps

    for row in rows:
        model = apps.get_model(row.target_type) if row.target_type else None
        assert not names_group(model, row.data), row
    assert AuditEvent.objects.filter(event=AuditEvent.Event.PLEDGE_SIGNED, actor=None).exists()
    assert timezone.now()
