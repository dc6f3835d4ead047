"""Putting a message in the outbox.

Every e-mail and SMS is a row first (``OutgoingMessage``), created in the
same transaction as its cause under a unique key, so a cause can never
produce two messages. ``dispatch.outbox_dispatch`` hands due rows to worker
tasks in batches of ids; ``sending.send_batch`` claims, renders and sends
them. Nothing here logs or stores names, themes or message text.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import tasks
from .models import OutgoingMessage

_PARAM_TEXT = re.compile(r"[A-Za-z0-9,:=-]{0,40}")


def _kick(ids: list[int]) -> None:
    """Send rows that are due now on the urgent queue, without waiting for the next dispatch."""
    tasks.send_batch.apply_async(args=[ids], queue=settings.SELVHJELP_URGENT_QUEUE)


def enqueue(
    *,
    key: str,
    kind: str,
    recipient: Any | None = None,
    address: str = "",
    channel: str = OutgoingMessage.Channel.EMAIL,
    params: dict[str, int | str | bool | None] | None = None,
    due_at: datetime.datetime | None = None,
) -> OutgoingMessage | None:
    """Add one message to the outbox, inside the caller's transaction.

    ``key`` identifies the cause (ids only); a second call with the same key
    adds nothing and returns ``None``. ``params`` holds ids and numbers only.
    A message due now is handed to the urgent worker once the transaction
    commits (if the broker is down, the dispatcher sends it when it is back);
    a later one waits for the dispatcher.
    """
    for name, value in (params or {}).items():
        # Ids, numbers, flags and short codes (an ISO week, a list of ids): never
        # anything a person wrote or a group is called.
        if isinstance(value, str) and not _PARAM_TEXT.fullmatch(value):
            raise ValueError(f"outbox param {name!r} must be an id or a short code")
    if (
        channel == OutgoingMessage.Channel.EMAIL
        and recipient is not None
        and not recipient.email
        and recipient.phone
    ):
        # Someone who signed up with a mobile number only hears from us by SMS.
        channel = OutgoingMessage.Channel.SMS
    now = timezone.now()
    when = due_at or now
    try:
        with transaction.atomic():
            message = OutgoingMessage.objects.create(
                key=key,
                kind=kind,
                channel=channel,
                recipient=recipient,
                address=address,
                params=params or {},
                due_at=when,
                next_attempt_at=when,
            )
    except IntegrityError:
        if OutgoingMessage.objects.filter(key=key).exists():
            return None
        raise
    if when <= now:
        pk = message.pk
        # Robust: with the broker down the cause is committed and the request
        # succeeds; the row waits for the next dispatch instead.
        transaction.on_commit(lambda: _kick([pk]), robust=True)
    return message
