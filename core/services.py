"""Shared services: auditing and post-commit task queueing."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent, names_group


class DomainError(Exception):
    """A rule of the domain was broken; the message is safe to show the user."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def audit(
    *,
    actor: Any | None,
    event: AuditEvent.Event,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record an audit event. Call inside the transaction of the change it describes.

    ``event`` is a member of ``AuditEvent.Event``: a name that is not one is
    refused (``ValueError``), so the statistics and the audit page can rely
    on the list.

    A row names the person or the group, never both: whoever reads the trail
    (a national administrator, a backup) must not learn who is in which
    group. An actor together with a target or ``data`` inside a group is
    refused (``ValueError``); such events are recorded with ``actor=None``.
    """
    try:
        event = AuditEvent.Event(event)
    except ValueError:
        raise ValueError(f"{event!r} is not an audit event; add it to AuditEvent.Event") from None
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    if actor_obj is not None and names_group(
        target._meta.model if target is not None else None, data or {}
    ):
        raise ValueError(
            f"{event.value} names a group: record it without the actor, "
            "so that no row ties a person to a group"
        )
    return AuditEvent.objects.create(
        actor=actor_obj,
        event=event,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
