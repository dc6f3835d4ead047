"""Two answers for the same person and group sent at the same moment, from two
memberships (left, taken back, left again): exactly one is stored.

Needs real row locks, so the threaded part runs on PostgreSQL only, as in
``tests/joining/test_concurrency.py``.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from core.services import DomainError
from feedback import selectors, services
from feedback.models import Answered, PendingAnswer
from groups.models import Group, Membership
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; SQLite locks the whole file",
)
def test_two_leaving_answers_from_two_memberships_at_once_store_one():
    group = GroupFactory(state=Group.State.SELF_RUN)
    user = UserFactory()
    now = timezone.now()
    left = {"status": Membership.Status.LEFT, "group": group, "user": user}
    memberships = [
        MembershipFactory(
            **left,
            joined_at=now - datetime.timedelta(days=20),
            ended_at=now - datetime.timedelta(days=10),
        ),
        MembershipFactory(**left, joined_at=now - datetime.timedelta(days=5), ended_at=now),
    ]
    assert all(selectors.open_occasion(membership=m) == "leaving" for m in memberships)
    barrier = threading.Barrier(len(memberships))
    outcomes: list[str] = []

    def send(membership: Membership) -> None:
        try:
            barrier.wait(timeout=10)
            services.feedback_answer(membership=membership, works=3, safe="yes")
            outcomes.append("stored")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=send, args=(m,)) for m in memberships]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["answered", "stored"]
    assert PendingAnswer.objects.count() == 1 and Answered.objects.count() == 1
