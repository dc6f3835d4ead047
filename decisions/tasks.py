"""The hourly sweep that closes proposals whose time is over."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="decisions.tasks.settle_due", ignore_result=True)
def settle_due() -> None:
    """Hourly: pass or lapse every open proposal whose time is over.

    Idempotent: a proposal is settled under its group's and its own row lock
    and only while it is open, so a second run (or two at once) closes
    nothing more.
    """
    from .services import proposals_settle_due

    proposals_settle_due()
