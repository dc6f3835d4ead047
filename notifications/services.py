"""Putting messages into the outbox."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutgoingMessage


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
    """
    when = due_at or timezone.now()
    try:
        with transaction.atomic():
            return OutgoingMessage.objects.create(
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
