from __future__ import annotations

from celery import shared_task

from .retention import retention_purge


@shared_task(name="privacy.tasks.purge", ignore_result=True)
def purge() -> None:
    """Daily retention run. Idempotent: a second run finds nothing more to remove."""
    retention_purge()
