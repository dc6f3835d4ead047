"""Periodic work for the district dashboards."""

from __future__ import annotations

from celery import shared_task

from .digest import digests_enqueue
from .services import activity_refresh


@shared_task(name="monitoring.tasks.enqueue_weekly_digests", ignore_result=True)
def enqueue_weekly_digests() -> int:
    """Queue last week's digest for each district staff member (Monday morning).

    Idempotent: one outbox row per staff member and ISO week, whatever the
    number of runs.
    """
    return digests_enqueue()


@shared_task(name="monitoring.tasks.refresh_recent_activity", ignore_result=True)
def refresh_recent_activity() -> int:
    """Recompute last month's and this month's meeting cells (every 15 minutes).

    Idempotent: the months are rebuilt from the meetings, not added to.
    """
    return activity_refresh(months=2)


@shared_task(name="monitoring.tasks.refresh_all_activity", ignore_result=True)
def refresh_all_activity() -> int:
    """Recompute every month's meeting cells (nightly): late attendance counts,
    groups that changed theme or kommune. Idempotent like the frequent run."""
    return activity_refresh()
