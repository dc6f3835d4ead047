from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(name="core.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Record that beat scheduled this and a worker ran it.

    Idempotent: it only moves one timestamp forward; running it twice is harmless.
    """
    Heartbeat.objects.update_or_create(component="worker", defaults={"last_seen": timezone.now()})
