"""Delivery never loses a message: outcomes the sender cannot know, a lost
database, one clock, poison messages and bounded dispatch.

In-process, against a real SMTP server (``sink.Sink``) where the wire
matters; the same faults with worker processes are in ``test_faults.py``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.db import OperationalError, connection
from django.utils import timezone

from meetings.reminders import reminder_scan
from notifications import dispatch, sending
from notifications.models import OutgoingMessage

from .sink import Sink

Status = OutgoingMessage.Status


def all_ids() -> list[int]:
    return list(OutgoingMessage.objects.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def sink(settings) -> Iterator[Sink]:
    with Sink() as s:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = s.port
        settings.EMAIL_TIMEOUT = 5
        yield s


def test_connection_lost_after_the_dot_means_try_again_with_the_same_message_id(world, sink):
    reminder_scan()
    now = timezone.now()
    sink.drop_after_dot(1.0, seconds=60)
    counts = sending.send_batch(all_ids(), now=now)
    assert counts == {sending.UNKNOWN: 3}
    assert sink.count() == 3  # the server took them; the worker cannot know
    for row in OutgoingMessage.objects.all():
        assert row.status == Status.PENDING
        assert row.sent_at is None
        assert row.unknown_outcomes == 1
        assert row.last_error == "outcome unknown: SMTP disconnected"

    sink.drop_after_dot(0, seconds=0)
    later = now + datetime.timedelta(minutes=2)
    assert sending.send_batch(all_ids(), now=later) == {"sent": 3}
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    # Twice at the server, but as one message: the same Message-ID.
    assert set(sink.per_recipient().values()) == {2}
    for key, ids in sink.message_ids().items():
        assert len(ids) == 1 and "" not in ids, key


def test_a_refusal_at_the_dot_takes_the_mark_back(world, sink):
    reminder_scan()
    sink.fail(1.0, seconds=60)
    assert sending.send_batch(all_ids()) == {"retry": 3}
    assert sink.count() == 0
    row = OutgoingMessage.objects.first()
    assert (row.status, row.last_error, row.unknown_outcomes) == (Status.PENDING, "SMTP 451", 0)


def test_a_lost_database_drops_the_connection_and_gives_the_batch_back(world, sink, monkeypatch):
    from notifications import registry

    reminder_scan()
    first, second, third = all_ids()
    original = registry._renderers["meeting_reminder"]

    def lost_at_the_second(message):
        if message.pk == second:
            raise OperationalError("server closed the connection unexpectedly")
        return original(message)

    monkeypatch.setitem(registry._renderers, "meeting_reminder", lost_at_the_second)
    assert sending.send_batch(all_ids()) == {"sent": 1, "given back": 2}
    assert sink.count() == 1
    rows = {r.pk: r for r in OutgoingMessage.objects.all()}
    assert rows[first].status == Status.SENT
    # Given back at once, due now, and not counted as an attempt.
    for pk in (second, third):
        assert rows[pk].status == Status.PENDING
        assert rows[pk].attempts == 0
        assert rows[pk].next_attempt_at <= timezone.now()

    monkeypatch.setitem(registry._renderers, "meeting_reminder", original)
    assert sending.send_batch(all_ids()) == {"sent": 2}
    assert set(sink.per_recipient().values()) == {1}


def test_a_message_the_server_took_is_never_given_back(world, sink, monkeypatch):
    reminder_scan()
    _first, second, third = all_ids()
    real_mark = sending._mark_sent

    def lost_with_the_second(ids: list[int]) -> None:
        if second in ids:
            raise OperationalError("server closed the connection unexpectedly")
        real_mark(ids)

    monkeypatch.setattr(sending, "MARK_EVERY", 1)
    monkeypatch.setattr(sending, "_mark_sent", lost_with_the_second)
    assert sending.send_batch(all_ids()) == {"sent": 2, "given back": 1}
    assert sink.count() == 2
    rows = {r.pk: r for r in OutgoingMessage.objects.all()}
    # Taken by the server, not marked: in flight until the sweeper sends it
    # again, with the same Message-ID. A second copy, never a lost one.
    assert rows[second].status == Status.SENDING
    assert rows[third].status == Status.PENDING


def test_marks_of_accepted_messages_share_one_commit(world, sink, monkeypatch):
    reminder_scan()
    flushed: list[list[int]] = []
    real_mark = sending._mark_sent

    def mark(ids: list[int]) -> None:
        flushed.append(list(ids))
        real_mark(ids)

    monkeypatch.setattr(sending, "_mark_sent", mark)
    assert sending.send_batch(all_ids()) == {"sent": 3}
    assert flushed == [all_ids()] or sum(len(f) for f in flushed) == 3
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_sent_marks_are_committed_durably_whatever_the_server_default(world, sink, monkeypatch):
    reminder_scan()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    seen: list[str] = []
    real_mark = sending._mark_sent

    def mark(ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            seen.append(cursor.fetchone()[0])
        real_mark(ids)

    monkeypatch.setattr(sending, "_mark_sent", mark)
    assert sending.send_batch(all_ids()) == {"sent": 3}
    assert seen and set(seen) == {"on"}


# --- One clock ---------------------------------------------------------------------


@pytest.fixture
def database_clock(settings) -> None:
    settings.SELVHJELP_OUTBOX_DATABASE_CLOCK = True


def test_a_worker_whose_clock_runs_ahead_takes_back_no_live_batch(world, database_clock):
    reminder_scan()
    assert len(sending.claim(all_ids())) == 3
    # This process's clock jumps an hour ahead; the database's does not.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        assert dispatch.outbox_sweep() == 0
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {Status.SENDING}


def test_due_is_decided_by_the_database_clock(world, database_clock):
    reminder_scan()
    OutgoingMessage.objects.update(next_attempt_at=timezone.now() + datetime.timedelta(hours=1))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        handed: list[list[int]] = []
        assert dispatch.outbox_dispatch(hand_out=handed.append) == 0
        assert sending.claim(all_ids()) == []


# --- Poison messages ----------------------------------------------------------------


def test_a_message_that_loses_its_worker_goes_alone_then_fails(world, settings):
    settings.SELVHJELP_OUTBOX_MAX_ATTEMPTS = 2
    settings.SELVHJELP_OUTBOX_BATCH_SIZE = 10
    reminder_scan()
    poison, *others = all_ids()
    stuck = datetime.timedelta(seconds=settings.SELVHJELP_OUTBOX_STUCK_SECONDS + 1)
    t = timezone.now()

    # The worker dies with the whole batch: every row comes back, marked.
    sending.claim(all_ids(), t)
    t += stuck
    assert dispatch.outbox_sweep(now=t) == 3
    rows = list(OutgoingMessage.objects.order_by("pk"))
    assert {(r.status, r.workers_lost, r.last_error) for r in rows} == {
        (Status.PENDING, 1, dispatch.WORKER_LOST)
    }
    handed: list[list[int]] = []
    dispatch.outbox_dispatch(hand_out=handed.append, now=t)
    assert sorted(handed) == [[poison], *[[pk] for pk in others]]  # each one alone

    # The others go out; the poison one kills its worker again.
    assert sending.send_batch(others, now=t) == {"sent": 2}
    sending.claim([poison], t)
    t += stuck
    assert dispatch.outbox_sweep(now=t) == 1
    row = OutgoingMessage.objects.get(pk=poison)
    assert (row.status, row.last_error, row.workers_lost, row.attempts) == (
        Status.FAILED,
        dispatch.WORKER_LOST,
        2,
        2,
    )
    handed.clear()
    assert dispatch.outbox_dispatch(hand_out=handed.append, now=t) == 0


# --- Bounded dispatch ---------------------------------------------------------------


def test_dispatch_leases_a_bounded_number_counting_what_is_still_out(world, settings):
    settings.SELVHJELP_OUTBOX_BATCH_SIZE = 1
    reminder_scan()
    now = timezone.now()
    handed: list[list[int]] = []
    assert dispatch.outbox_dispatch(hand_out=handed.append, now=now, limit=2) == 2
    # Two are still out and unclaimed: nothing more until one is claimed.
    assert dispatch.outbox_dispatch(hand_out=handed.append, now=now, limit=2) == 0
    sending.send_batch(handed[0], now=now)
    assert dispatch.outbox_dispatch(hand_out=handed.append, now=now, limit=2) == 1
    assert sorted(i for b in handed for i in b) == all_ids()


# --- Broker down, queues ------------------------------------------------------------


def test_a_broker_that_is_down_does_not_undo_the_cause(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError as BrokerDown

    from notifications import services, tasks

    queues: list[str] = []

    def down(*args, **kwargs):
        queues.append(kwargs["queue"])
        raise BrokerDown("Error 111 connecting. Connection refused.")

    monkeypatch.setattr(tasks.send_batch, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue(
            key="meeting_moved:m=1:c=1:u=1",
            kind="meeting_moved",
            recipient=world.members[0],
            params={"meeting": world.meeting.pk},
        )
    # Handed to the urgent queue; the broker refused, and nothing was undone:
    # the row waits for beat's dispatch.
    assert queues == [settings.SELVHJELP_URGENT_QUEUE]
    row = OutgoingMessage.objects.get()
    assert row.status == Status.PENDING
    handed: list[list[int]] = []
    assert dispatch.outbox_dispatch(hand_out=handed.append) == 1


def test_a_reminder_scan_that_finds_reminders_dispatches_at_once(world, monkeypatch):
    from meetings import tasks as meeting_tasks
    from notifications import tasks

    runs: list[int] = []
    monkeypatch.setattr(tasks.dispatch, "delay", lambda: runs.append(1))
    assert meeting_tasks.scan_reminders() == 3
    assert runs == [1]
    assert meeting_tasks.scan_reminders() == 0
    assert runs == [1]


def test_urgent_work_and_beat_housekeeping_have_their_own_queue(settings):
    from selvhjelp.celery import app

    urgent = settings.SELVHJELP_URGENT_QUEUE
    assert urgent != settings.CELERY_TASK_DEFAULT_QUEUE
    for name in (
        "core.tasks.heartbeat",
        "meetings.tasks.scan_reminders",
        "notifications.tasks.dispatch",
    ):
        assert app.amqp.router.route({}, name)["queue"].name == urgent
    assert app.amqp.router.route({}, "notifications.tasks.send_batch")["queue"].name == (
        settings.CELERY_TASK_DEFAULT_QUEUE
    )
