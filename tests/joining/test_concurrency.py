"""Two people take the last seat at the same moment: exactly one gets it.

Needs real row locks, so the threaded part runs on PostgreSQL only: SQLite
ignores ``select_for_update`` and lets one writer in at a time by locking the
whole file, which would make the test about SQLite's lock timeouts instead.
"""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from core.services import DomainError
from groups.models import Group, Membership
from joining import services
from tests.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; SQLite locks the whole file",
)
def test_two_people_take_the_last_seat_at_once():
    group = GroupFactory(state=Group.State.FORMING, capacity=2)
    services.membership_add(group=group, user=UserFactory())
    people = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def take_seat(user) -> None:
        try:
            barrier.wait(timeout=10)
            services.membership_add(group=Group(pk=group.pk), user=user)
            outcomes.append("joined")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=take_seat, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["full", "joined"]
    group.refresh_from_db()
    assert group.member_count == group.capacity == 2
    assert Membership.objects.active().filter(group=group).count() == 2


def test_membership_add_locks_the_group_row():
    """Everywhere (SQLite too): the seat is counted from a locked read of the row."""
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    group = GroupFactory(state=Group.State.FORMING)
    with CaptureQueriesContext(conn) as captured:
        services.membership_add(group=group, user=UserFactory())
    sql = [q["sql"] for q in captured.captured_queries]
    group_reads = [s for s in sql if 'FROM "groups_group"' in s]
    assert group_reads, sql
    if conn.vendor == "postgresql":
        assert "FOR UPDATE" in group_reads[0]
