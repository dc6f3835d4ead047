"""Periodic work for meetings."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import beat_init

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

    Idempotent: one row per (meeting, member, channel) by its unique key.
    """
    return reminders.reminder_scan()


@beat_init.connect
def _scan_when_beat_starts(sender: Any = None, **kwargs: Any) -> None:
    """A beat that starts (or restarts) finds the reminders due now, not one interval later."""
    scan_reminders.delay()
