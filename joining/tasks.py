"""Sweeps for joining. E-mails go through the outbox (``notifications``).

Join requests every member must agree to are closed by the decisions app's
own sweep (``decisions.tasks.settle_due``).
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="joining.tasks.expire_seat_offers", ignore_result=True)
def expire_seat_offers() -> None:
    """Hourly: expire unanswered seat offers and pass the seats on (idempotent)."""
    from .services import waiting_list_expire_offers

    waiting_list_expire_offers()
