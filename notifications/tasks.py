"""Celery tasks of the outbox. Ids only; each says what makes it idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import beat_init
from django.conf import settings

from . import dispatch as outbox
from . import sending

# A batch may never outlive half the sweeper's patience: a row in ``sending``
# older than the stuck time then surely belongs to a worker that is gone.
_BATCH_TIME_LIMIT = max(settings.SELVHJELP_OUTBOX_STUCK_SECONDS // 2, 10)


@shared_task(
    name="notifications.tasks.send_batch",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=_BATCH_TIME_LIMIT,
)
def send_batch(ids: list[int]) -> dict[str, int]:
    """Claim, render and send the given outbox rows (ids only).

    Idempotent: only rows still pending and due are claimed, under row locks,
    so a redelivered or duplicated task sends nothing that was sent. Retries
    are rows, not task retries: a transient failure sets the row's next
    attempt with backoff and the dispatcher picks it up again.
    """
    return sending.send_batch([int(i) for i in ids])


@shared_task(name="notifications.tasks.dispatch", ignore_result=True)
def dispatch() -> int:
    """Every minute: put stuck rows back in line, then hand due rows to workers.

    Idempotent: rows are leased before their task is sent, and a worker only
    claims rows still pending, so overlapping runs (two beats) send nothing twice.
    """
    outbox.outbox_sweep()
    return outbox.outbox_dispatch(hand_out=send_batch.delay)


@beat_init.connect
def _dispatch_when_beat_starts(sender: Any = None, **kwargs: Any) -> None:
    """A beat that starts (or restarts) hands out what is due now, not one interval later."""
    dispatch.delay()
