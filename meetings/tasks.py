"""Periodic work for meetings."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import beat_init

from notifications import tasks as outbox_tasks

from . import reminders, services


@shared_task(name="meetings.tasks.materialise_all", ignore_result=True)
def materialise_all() -> int:
    """Daily: store the coming weeks' meetings of every group that meets.

    Idempotent: one row per group and scheduled start; a second run adds
    nothing. Paused and ended groups lose their untouched future meetings.
    """
    return services.meetings_materialise_all()


@shared_task(name="meetings.tasks.materialise_group", ignore_result=True)
def materialise_group(group_id: int) -> int:
    """One group's meetings, by id. Idempotent like ``materialise_all``."""
    return services.meetings_materialise(group_id=group_id)


@shared_task(name="meetings.tasks.scan_reminders", ignore_result=True)
def scan_reminders() -> int:
    """Every minute: put the meeting reminders whose lead time has come in the outbox.

    New rows are handed to workers right away (a dispatch), not one interval
    later: after beat starts, its first dispatch with reminders in it comes
    right after its first scan. Idempotent: one row per (meeting, member,
    channel) by its unique key.
    """
    created = reminders.reminder_scan()
    if created:
        outbox_tasks.dispatch.delay()
    return created


@beat_init.connect
def _scan_when_beat_starts(sender: Any = None, **kwargs: Any) -> None:
    """A beat that starts (or restarts) finds the reminders due now, not one interval later."""
    scan_reminders.delay()
