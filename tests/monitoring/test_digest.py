"""The weekly digest to district office staff, through the outbox."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from groups.models import Group
from meetings.models import Meeting
from monitoring import tasks
from monitoring.digest import KIND, digests_enqueue, previous_week
from notifications import registry
from notifications.models import OutgoingMessage
from organisations.models import StaffRole
from tests.factories import GroupFactory, StaffRoleFactory

from .conftest import add_meeting

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)  # digests for week 47 (16–22 November)


def last_monday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday() + 7)


def test_one_row_per_staff_member_and_week_whatever_the_runs(stats):
    w = stats.roles
    # A staff member of both districts still gets one message.
    StaffRoleFactory(
        user=w.user("district_staff"),
        kind=StaffRole.Kind.DISTRICT_STAFF,
        district=w.district_b,
        contact_point=None,
    )
    assert digests_enqueue(today=MONDAY) == 2
    assert digests_enqueue(today=MONDAY) == 0
    # The beat's own run on that Monday morning.
    with time_machine.travel(datetime.datetime(2026, 11, 23, 7, 30, tzinfo=datetime.UTC)):
        assert tasks.enqueue_weekly_digests.apply().get() == 0
    rows = OutgoingMessage.objects.filter(kind=KIND, key__endswith=":w=2026-W47")
    assert sorted(rows.values_list("recipient__email", flat=True)) == [
        "district.staff.other@example.org",
        "district.staff@example.org",
    ]
    for row in rows:
        # Ids and the week only.
        assert set(row.params) == {"week", "districts"}
        assert all(part.isdigit() for part in row.params["districts"].split(","))
    both = rows.get(recipient=w.user("district_staff"))
    assert both.params["districts"] == f"{w.district_a.pk},{w.district_b.pk}"
    # The next week is a new message.
    assert digests_enqueue(today=MONDAY + datetime.timedelta(days=7)) == 2


def test_rendered_in_the_recipients_language_with_counts_only(stats):
    w = stats.roles
    staff = w.user("district_staff")
    first_day = last_monday()
    week = previous_week(first_day + datetime.timedelta(days=7))
    monday = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(12)))
    Meeting.objects.all().delete()
    GroupFactory(
        name="Nygruppa",
        contact_point=w.cp_a,
        theme=w.theme,
        state=Group.State.FORMING,
        published_at=monday,
    )
    ended = GroupFactory(
        name="Sluttgruppa",
        contact_point=w.cp_a,
        theme=w.theme,
        state=Group.State.ENDED,
        state_changed_at=monday + datetime.timedelta(days=2),
    )
    add_meeting(stats.groups[0], monday + datetime.timedelta(days=1), 4)
    add_meeting(ended, monday + datetime.timedelta(days=1), 3)
    digests_enqueue(today=first_day + datetime.timedelta(days=7))
    message = OutgoingMessage.objects.get(kind=KIND, recipient=staff)
    render = registry.renderer_for(KIND)

    staff.language = "en"
    staff.save()
    message.refresh_from_db()
    english = render(message)
    assert english is not None
    assert english.subject == f"Selvhjelp: weekly district summary, week {week}"
    assert "Published groups: 1" in english.text
    assert "Groups that ended: 1" in english.text
    assert "Meetings held: 2" in english.text
    assert "/personale/statistikk/" in english.html
    for text in (english.subject, english.text, english.html):
        for secret in ("Nygruppa", "Sluttgruppa", w.theme.name_nb, w.theme.name_en, "Frisklivs"):
            assert secret not in text
        assert "Distriktskontor Beta" not in text

    staff.language = "nb"
    staff.save()
    message.refresh_from_db()
    norwegian = render(message)
    assert norwegian is not None
    assert week in norwegian.subject
    assert '<html lang="en">' in english.html
    assert '<html lang="nb">' in norwegian.html

    # No longer district staff: nothing to send.
    StaffRole.objects.filter(user=staff).delete()
    message.refresh_from_db()
    assert render(message) is None


def test_previous_week_is_the_iso_week_before():
    assert previous_week(datetime.date(2026, 1, 5)) == "2026-W01"
    assert previous_week(datetime.date(2026, 1, 4)) == "2025-W52"
