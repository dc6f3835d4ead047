"""Two members cancel the same meeting at once: one cancels, one is told it is done.

Needs real row locks, so the threaded part runs on PostgreSQL only.
"""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from core.services import DomainError
from meetings import services
from meetings.models import Meeting
from notifications.models import OutgoingMessage

from .conftest import future_meeting, make_group

pytestmark = pytest.mark.django_db(transaction=True)


POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; SQLite locks the whole file",
)


@POSTGRES_ONLY
def test_two_members_cancel_at_once():
    mg = make_group()
    services.meetings_materialise(group_id=mg.group.pk)
    meeting = future_meeting(mg)
    actors = [mg.members[1].user, mg.members[2].user]
    barrier = threading.Barrier(len(actors))
    outcomes: list[str] = []

    def cancel(user) -> None:
        try:
            barrier.wait(timeout=10)
            services.meeting_cancel(meeting=Meeting(pk=meeting.pk), actor=user)
            outcomes.append("cancelled")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=cancel, args=(user,)) for user in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["cancelled", "no_change"]
    assert OutgoingMessage.objects.filter(kind="meeting_cancelled").count() == 5


@POSTGRES_ONLY
def test_changes_read_the_meeting_under_a_row_lock():
    mg = make_group()
    services.meetings_materialise(group_id=mg.group.pk)
    meeting = future_meeting(mg)
    with CaptureQueriesContext(connection) as queries:
        services.meeting_cancel(meeting=meeting, actor=mg.member.user)
    first_read = next(q["sql"] for q in queries if "meetings_meeting" in q["sql"])
    assert "FOR UPDATE" in first_read
