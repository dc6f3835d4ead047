"""Daily sweeps for the interest list.

The e-mails themselves go through the outbox (``notifications``): services
put one row per message in it, in the same transaction as their cause.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="interest.tasks.send_expiry_reminders", ignore_result=True)
def send_expiry_reminders() -> None:
    """Daily: queue reminders for registrations expiring within 30 days (idempotent)."""
    from .services import interest_send_expiry_reminders

    interest_send_expiry_reminders()


@shared_task(name="interest.tasks.expire", ignore_result=True)
def expire() -> None:
    """Daily: take expired registrations off the list (idempotent)."""
    from .services import interest_expire

    interest_expire()
