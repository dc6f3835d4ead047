"""Handing due outbox rows to workers, and taking back what a dead worker left.

Both run from ``tasks.dispatch`` every minute. The hand-out itself (sending
a task with a batch of ids) is passed in by the caller, so that this module
needs neither the tasks nor the sending code. Every time compared here is
the database's (``clock``).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from .clock import now_sql, shifted
from .models import OutgoingMessage

logger = logging.getLogger(__name__)

Status = OutgoingMessage.Status

# The reason a row taken back from a dead worker carries, and fails with.
WORKER_LOST = "worker lost"


def outbox_dispatch(
    *,
    hand_out: Callable[[list[int]], Any],
    now: datetime.datetime | None = None,
    limit: int | None = None,
) -> int:
    """Hand due, unleased pending rows to worker tasks, in batches of ids.

    Each batch is leased (``leased_until``) under ``skip_locked`` row locks
    before ``hand_out`` is called with it, so two dispatchers running at once
    hand out disjoint rows. A task that is lost (broker restart) frees its
    rows when the lease runs out; the worker's claim is what guards against
    sending twice, the lease only keeps the queue short.

    At most ``limit`` rows (``SELVHJELP_OUTBOX_DISPATCH_LIMIT``) are handed
    out and not yet claimed at any time, counting earlier runs' leases: a
    backlog reaches the broker a slice per run, never all at once. A row a
    worker was lost with goes out alone. Returns the rows handed out.
    """
    size = settings.SELVHJELP_OUTBOX_BATCH_SIZE
    if limit is None:
        limit = settings.SELVHJELP_OUTBOX_DISPATCH_LIMIT
    lease = settings.SELVHJELP_OUTBOX_LEASE_SECONDS
    unleased = Q(leased_until__isnull=True) | Q(leased_until__lte=now_sql(now))
    due = OutgoingMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now_sql(now))
    outstanding = due.exclude(unleased).count()
    handed = 0
    while handed + outstanding < limit:
        with transaction.atomic():
            rows = list(
                OutgoingMessage.objects.select_for_update(skip_locked=True)
                .filter(status=Status.PENDING, next_attempt_at__lte=now_sql(now))
                .filter(unleased)
                .order_by("next_attempt_at", "pk")
                .values_list("pk", "workers_lost")[: min(size * 20, limit - handed - outstanding)]
            )
            if rows:
                OutgoingMessage.objects.filter(pk__in=[pk for pk, _lost in rows]).update(
                    leased_until=shifted(lease, now)
                )
        if not rows:
            break
        alone = [pk for pk, lost in rows if lost]
        together = [pk for pk, lost in rows if not lost]
        for start in range(0, len(together), size):
            hand_out(together[start : start + size])
        for pk in alone:
            hand_out([pk])
        handed += len(rows)
    if handed:
        logger.info("outbox: %d due messages handed to workers", handed)
    return handed


def outbox_sweep(*, now: datetime.datetime | None = None) -> int:
    """Put rows a dead worker left in ``sending`` back in line; fail the hopeless ones.

    A batch task cannot run longer than half the stuck time (its time
    limit), so a row older than that belongs to a worker that is gone. Each
    sweep counts as an attempt (the claim counted it), so a message that
    kills or hangs every worker that tries it fails with the reason "worker
    lost" after ``SELVHJELP_OUTBOX_MAX_ATTEMPTS`` and blocks nothing more;
    until then it is sent alone (``workers_lost``).
    """
    stuck = OutgoingMessage.objects.filter(
        status=Status.SENDING,
        claimed_at__lt=shifted(-settings.SELVHJELP_OUTBOX_STUCK_SECONDS, now),
    )
    lost = {"workers_lost": F("workers_lost") + 1, "last_error": WORKER_LOST, "claimed_at": None}
    with transaction.atomic():
        failed = stuck.filter(attempts__gte=settings.SELVHJELP_OUTBOX_MAX_ATTEMPTS).update(
            status=Status.FAILED, **lost
        )
        back = stuck.update(
            status=Status.PENDING, next_attempt_at=now_sql(now), leased_until=None, **lost
        )
    if failed:
        logger.warning("outbox: %d messages failed after their workers were lost", failed)
    if back:
        logger.warning("outbox: %d messages left in flight were put back in line", back)
    return failed + back
