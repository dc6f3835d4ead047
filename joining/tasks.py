"""Sweeps for joining. E-mails go through the outbox (``notifications``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="joining.tasks.expire_join_requests", ignore_result=True)
def expire_join_requests() -> None:
    """Hourly: close requests whose answer window passed (idempotent)."""
    from .services import join_requests_expire

    join_requests_expire()


@shared_task(name="joining.tasks.expire_seat_offers", ignore_result=True)
def expire_seat_offers() -> None:
    """Hourly: expire unanswered seat offers and pass the seats on (idempotent)."""
    from .services import waiting_list_expire_offers

    waiting_list_expire_offers()
