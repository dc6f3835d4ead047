"""Handing due outbox rows to workers, and taking back what a dead worker left.

Both run from ``tasks.dispatch`` every minute. The hand-out itself (sending
a task with a batch of ids) is passed in by the caller, so that this module
needs neither the tasks nor the sending code.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutgoingMessage

logger = logging.getLogger(__name__)

Status = OutgoingMessage.Status


def outbox_dispatch(
    *,
    hand_out: Callable[[list[int]], Any],
    now: datetime.datetime | None = None,
    limit: int = 200_000,
) -> int:
    """Hand every due, unleased pending row to worker tasks, in batches of ids.

    Each batch is leased (``leased_until``) under ``skip_locked`` row locks
    before ``hand_out`` is called with it, so two dispatchers running at once
    hand out disjoint rows. A task that is lost (broker restart) frees its
    rows when the lease runs out; the worker's claim is what guards against
    sending twice, the lease only keeps the queue short. Returns the rows
    handed out.
    """
    now = now or timezone.now()
    size = settings.SELVHJELP_OUTBOX_BATCH_SIZE
    lease = now + datetime.timedelta(seconds=settings.SELVHJELP_OUTBOX_LEASE_SECONDS)
    handed = 0
    while handed < limit:
        with transaction.atomic():
            ids = list(
                OutgoingMessage.objects.select_for_update(skip_locked=True)
                .filter(status=Status.PENDING, next_attempt_at__lte=now)
                .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
                .order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)[: size * 20]
            )
            if ids:
                OutgoingMessage.objects.filter(pk__in=ids).update(leased_until=lease)
        if not ids:
            break
        for start in range(0, len(ids), size):
            hand_out(ids[start : start + size])
        handed += len(ids)
    if handed:
        logger.info("outbox: %d due messages handed to workers", handed)
    return handed


def outbox_sweep(*, now: datetime.datetime | None = None) -> int:
    """Put rows a dead worker left in ``sending`` back in line.

    A batch task cannot run longer than half the stuck time (its time
    limit), so a row older than that belongs to a worker that is gone.
    """
    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(seconds=settings.SELVHJELP_OUTBOX_STUCK_SECONDS)
    count = OutgoingMessage.objects.filter(
        status=Status.SENDING, claimed_at__lt=stuck_before
    ).update(status=Status.PENDING, next_attempt_at=now, leased_until=None, claimed_at=None)
    if count:
        logger.warning("outbox: %d messages left in flight were put back in line", count)
    return count
