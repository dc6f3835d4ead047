"""An answer waits with its month, and is filed with the rest of that month's.

The marker and the waiting answer are written in one transaction. Filed
together once the month is over, in random order, the answers no longer share
anything with their markers: not the transaction that wrote them (PostgreSQL),
not their place in the table.
"""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.conf import settings
from django.db import close_old_connections, connection

from feedback import services
from feedback.models import Answer, PendingAnswer
from tests.feedback.test_feedback import NOW, OSLO, a_group, hold_meetings

MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)
FIRST_OF_APRIL = datetime.datetime(2026, 4, 1, 1, 5, tzinfo=OSLO)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="transaction ids and row locks are PostgreSQL's",
)


def answered_in_march(members: int):
    group, memberships, _district = a_group(members)
    with time_machine.travel(NOW, tick=False):
        hold_meetings(group, 5)
        for number, membership in enumerate(memberships):
            services.feedback_answer(
                membership=membership, works=1 + number % 5, safe="yes", text=f"{number:02}"
            )
    return group


def in_table_order(table: str) -> list[str]:
    """The texts in the order the rows lie in the table, not in any index."""
    place = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {table} ORDER BY {place}")  # noqa: S608
        return [text for (text,) in cursor.fetchall()]


def transaction_ids(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {table}")  # noqa: S608
        return [xid for (xid,) in cursor.fetchall()]


@pytest.mark.django_db
def test_answers_wait_while_their_month_runs_and_are_filed_together_in_no_order():
    group = answered_in_march(31)
    given = [f"{number:02}" for number in range(31)]
    with time_machine.travel(NOW, tick=False):
        assert services.file_answers() == 0
    # Ten minutes' grace after midnight, for an answer sent in March's last second.
    with time_machine.travel(datetime.datetime(2026, 4, 1, 0, 5, tzinfo=OSLO), tick=False):
        assert services.file_answers() == 0
    assert not Answer.objects.exists()

    with time_machine.travel(FIRST_OF_APRIL, tick=False):
        # Somebody answers in April before the run: that answer waits for April to end.
        late = PendingAnswer.objects.get(text="30")
        late.month = APRIL
        late.save(update_fields=["month"])
        assert services.file_answers() == 30
        assert services.file_answers() == 0

    filed = in_table_order("feedback_answer")
    assert sorted(filed) == given[:30]
    assert filed != given[:30]  # shuffled: 1 chance in 30! of the same order
    assert set(Answer.objects.values_list("group", "month")) == {(group.pk, MARCH)}
    assert list(PendingAnswer.objects.values_list("text", "month")) == [("30", APRIL)]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_filed_answer_shares_no_transaction_with_a_marker():
    answered_in_march(3)
    markers = transaction_ids("feedback_answered")
    assert len(set(markers)) == 3
    # The link that filing is there to break: each waiting answer was written
    # by the transaction of a marker (the marker in a savepoint, with the next
    # id), so the two kinds of ids pair up one after the other.
    pending = transaction_ids("feedback_pendinganswer")
    ids = sorted(
        [(int(xid), "answer") for xid in pending] + [(int(xid), "marker") for xid in markers]
    )
    assert [kind for _xid, kind in ids] == ["answer", "marker"] * 3

    with time_machine.travel(FIRST_OF_APRIL, tick=False):
        assert services.file_answers() == 3

    filed = transaction_ids("feedback_answer")
    assert len(filed) == 3 and len(set(filed)) == 1
    assert not set(filed) & set(markers)
    assert not PendingAnswer.objects.exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_file_each_answer_once():
    answered_in_march(4)
    barrier = threading.Barrier(2)
    filed: list[int] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            filed.append(services.file_answers())
        finally:
            close_old_connections()
            connection.close()

    with time_machine.travel(FIRST_OF_APRIL, tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sorted(filed) == [0, 4]
    assert Answer.objects.count() == 4 and not PendingAnswer.objects.exists()


def test_beat_files_answers_every_hour():
    from selvhjelp.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["feedback-file-answers"]
    assert entry["task"] == "feedback.tasks.file_answers"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert entry["schedule"].minute == {5} and len(entry["schedule"].hour) == 24
