"""The weekly digest to district office staff, through the outbox."""

from __future__ import annotations

import datetime

import pytest

from groups.models import Group
from meetings.models import Meeting
from monitoring import tasks
from monitoring.digest import KIND, digests_enqueue, previous_week, week_monday
from monitoring.filters import OSLO
from notifications import registry
from notifications.models import OutgoingMessage
from organisations.models import StaffRole
from tests.factories import GroupFactory, StaffRoleFactory

from .conftest import add_meeting

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)  # digests for week 47 (16–22 November)


def oslo(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=OSLO)


def digest_for(user, week: str) -> registry.Rendered:
    message = OutgoingMessage.objects.get(kind=KIND, recipient=user, key__endswith=f":w={week}")
    rendered = registry.renderer_for(KIND)(message)
    assert rendered is not None
    return rendered


def test_one_row_per_staff_member_and_week_whatever_the_runs(stats, clock):
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
    # Beat's runs that Monday morning and on the last evening of the week: same week.
    for when in (oslo(2026, 11, 23, 7, 30), oslo(2026, 11, 29, 23, 59)):
        clock.move_to(when)
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
    # The next week is a new message: Monday 00:30 in Oslo, still Sunday in UTC.
    clock.move_to(oslo(2026, 11, 30, 0, 30))
    assert tasks.enqueue_weekly_digests.apply().get() == 2
    assert OutgoingMessage.objects.filter(kind=KIND, key__endswith=":w=2026-W48").count() == 2


def test_rendered_in_the_recipients_language_with_counts_only(stats):
    w = stats.roles
    staff = w.user("district_staff")
    # The week before the one the fixtures were made in (NOW, Wednesday of week 47).
    week = "2026-W46"
    monday = oslo(2026, 11, 9, 12, 0)
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
    digests_enqueue(today=datetime.date(2026, 11, 16))
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
    # 2026 has 53 ISO weeks; week 53 runs from Monday 28 December to Sunday 3 January.
    assert previous_week(datetime.date(2027, 1, 4)) == "2026-W53"
    assert previous_week(datetime.date(2027, 1, 3)) == "2026-W52"
    assert previous_week(datetime.date(2027, 1, 11)) == "2027-W01"
    assert week_monday("2026-W53") == datetime.date(2026, 12, 28)
    assert week_monday("2027-W01") == datetime.date(2027, 1, 4)
    # Leap years: 29 February 2028 is in week 9.
    assert previous_week(datetime.date(2028, 3, 6)) == "2028-W09"


def test_week_53_and_week_1_across_new_year_in_oslo_time(stats, clock):
    """Weeks begin at midnight in Oslo, an hour before midnight UTC in winter."""
    w = stats.roles
    staff = w.user("district_staff")
    staff.language = "en"
    staff.save()
    Meeting.objects.all().delete()
    group = stats.groups[0]

    def published(when: datetime.datetime) -> None:
        GroupFactory(
            contact_point=w.cp_a, theme=w.theme, state=Group.State.FORMING, published_at=when
        )

    published(oslo(2026, 12, 27, 23, 30))  # Sunday of week 52
    published(oslo(2026, 12, 28, 0, 30))  # week 53, still Sunday 27 December in UTC
    published(oslo(2027, 1, 1, 0, 30))  # New Year in Oslo, still 2026 in UTC: week 53
    GroupFactory(
        contact_point=w.cp_a,
        theme=w.theme,
        state=Group.State.ENDED,
        state_changed_at=oslo(2027, 1, 3, 23, 30),  # the last half hour of week 53
    )
    add_meeting(group, oslo(2026, 12, 31, 23, 0), 4)  # week 53
    add_meeting(group, oslo(2027, 1, 4, 0, 30), 5)  # week 1, still Sunday 3 January in UTC
    published(oslo(2027, 1, 10, 23, 30))  # week 1, its last half hour

    # Beat on Monday 4 January, 00:30 in Oslo (Sunday 23:30 UTC): week 53 is over.
    clock.move_to(oslo(2027, 1, 4, 0, 30))
    assert tasks.enqueue_weekly_digests.apply().get() == 2
    assert tasks.enqueue_weekly_digests.apply().get() == 0
    week53 = digest_for(staff, "2026-W53")
    assert "week 2026-W53" in week53.subject
    assert "Published groups: 2" in week53.text
    assert "Groups that ended: 1" in week53.text
    assert "Meetings held: 1" in week53.text

    # A week later: 2027-W01, a new message for everyone.
    clock.move_to(oslo(2027, 1, 11, 7, 30))
    assert tasks.enqueue_weekly_digests.apply().get() == 2
    week1 = digest_for(staff, "2027-W01")
    assert "week 2027-W01" in week1.subject
    assert "Published groups: 1" in week1.text
    assert "Groups that ended: 0" in week1.text
    assert "Meetings held: 1" in week1.text
