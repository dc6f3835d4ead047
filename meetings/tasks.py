"""Periodic work for meetings."""

from __future__ import annotations

from celery import shared_task

from . import services


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
