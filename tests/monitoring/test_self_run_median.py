"""The median from start to running itself is read from the group row, so retention keeps it.

Groups start and become self-run through the lifecycle services with the
clock set; then the daily retention run strips the audit rows' targets (180
days), and the figure must not change. The data migration that copied the
start from the audit rows is checked the same way: before the purge.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import AuditEvent
from groups import lifecycle
from groups.models import Group, Membership
from meetings.models import Meeting
from monitoring.filters import Scope
from monitoring.selectors import median_weeks_to_self_run
from privacy.retention import retention_purge
from tests.factories import ContactPointFactory, GroupFactory, MembershipFactory, ThemeFactory

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
PURGE = START + datetime.timedelta(days=260)  # every start event is past 180 days
WEEKS = (4, 6, 10)


def national_scope(first: datetime.date, last: datetime.date) -> Scope:
    return Scope(
        districts=(),
        national=True,
        kommune_ids=(),
        fylke=None,
        kommune=None,
        theme=None,
        first_month=first.replace(day=1),
        last_month=last.replace(day=1),
    )


def started_and_self_run(weeks: int) -> Group:
    """A group its initiator starts at START and steps back from ``weeks`` later."""
    group = GroupFactory(state=Group.State.FORMING)
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR).user
    with time_machine.travel(START, tick=False):
        lifecycle.group_transition(group=group, action="start", actor=initiator)
    # Ready to run itself: three members, and a meeting held in the first week.
    Group.objects.filter(pk=group.pk).update(member_count=3)
    held = START + datetime.timedelta(days=7)
    Meeting.objects.create(
        group=group,
        occurrence=held,
        starts_at=held,
        ends_at=held + datetime.timedelta(hours=2),
        attendance=3,
    )
    with time_machine.travel(START + datetime.timedelta(weeks=weeks), tick=False):
        lifecycle.initiator_step_back(group=group, user=initiator)
    group.refresh_from_db()
    return group


@pytest.mark.django_db
def test_the_transitions_stamp_the_row():
    group = started_and_self_run(6)
    assert group.state == Group.State.SELF_RUN
    assert group.started_at == START
    assert group.self_run_at == START + datetime.timedelta(weeks=6)


@pytest.mark.django_db
def test_the_median_survives_a_retention_run():
    for weeks in WEEKS:
        started_and_self_run(weeks)
    # The dashboard's default window at the time of the purge: twelve months.
    scope = national_scope(PURGE.date() - datetime.timedelta(days=330), PURGE.date())
    assert median_weeks_to_self_run(scope) == (6.0, 3)

    with time_machine.travel(PURGE, tick=False):
        retention_purge()

    starts = AuditEvent.objects.filter(event=AuditEvent.Event.GROUP_START)
    assert starts.count() == len(WEEKS)
    # What happened is kept; which group it was is gone from the audit trail.
    assert set(starts.values_list("target_id", flat=True)) == {""}
    assert median_weeks_to_self_run(scope) == (6.0, 3)


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_both_times_from_the_audit_rows():
    common = {
        "theme_id": ThemeFactory().pk,
        "contact_point_id": ContactPointFactory().pk,
        "format": "digital",
    }
    before = [("groups", "0008_meeting_schedule"), ("core", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldGroup = old_apps.get_model("groups", "Group")
    OldAuditEvent = old_apps.get_model("core", "AuditEvent")
    ran = OldGroup.objects.create(slug="ran", name="Ran", state="self_run", **common)
    stamped = START + datetime.timedelta(weeks=30)
    kept = OldGroup.objects.create(
        slug="kept", name="Kept", state="self_run", self_run_at=stamped, **common
    )
    never = OldGroup.objects.create(slug="never", name="Never", state="forming", **common)
    purged = OldGroup.objects.create(slug="purged", name="Purged", state="starting", **common)

    def event(name: str, group: object, at: datetime.datetime, target: str | None = None) -> None:
        row = OldAuditEvent.objects.create(
            event=name,
            target_type="groups.group",
            target_id=str(group.pk) if target is None else target,
        )
        OldAuditEvent.objects.filter(pk=row.pk).update(created_at=at)

    event("group.start", ran, START)
    event("group.become_self_run", ran, START + datetime.timedelta(weeks=6))
    event("group.start", kept, START)
    event("group.become_self_run", kept, START + datetime.timedelta(weeks=8))
    event("group.start", purged, START, target="")  # retention already blanked it
    event("group.publish", never, START)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    times = {g.slug: (g.started_at, g.self_run_at) for g in Group.objects.all()}
    assert times["ran"] == (START, START + datetime.timedelta(weeks=6))
    assert times["kept"] == (START, stamped)  # a time on the row is kept
    assert times["never"] == (None, None)
    assert times["purged"] == (None, None)
