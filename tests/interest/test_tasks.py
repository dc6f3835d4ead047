"""The daily sweeps are wired to beat and are thin wrappers around the services."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import mail
from django.utils import timezone

from interest import tasks
from interest.models import InterestRegistration
from tests.factories import ThemeFactory, UserFactory


def test_beat_runs_the_interest_sweeps_daily():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["interest-expiry-reminders"]["task"] == "interest.tasks.send_expiry_reminders"
    assert schedule["interest-expire"]["task"] == "interest.tasks.expire"


def test_sweep_tasks_run_twice_with_one_effect(db, django_capture_on_commit_callbacks):
    now = timezone.now()
    soon = InterestRegistration.objects.create(
        user=UserFactory(),
        theme=ThemeFactory(),
        format="digital",
        created_at=now - datetime.timedelta(days=350),
        expires_at=now + datetime.timedelta(days=15),
    )
    gone = InterestRegistration.objects.create(
        user=UserFactory(),
        theme=ThemeFactory(),
        format="digital",
        created_at=now - datetime.timedelta(days=400),
        expires_at=now - datetime.timedelta(days=35),
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.send_expiry_reminders.delay()
            tasks.expire.delay()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Selvhjelp: ")
    soon.refresh_from_db()
    gone.refresh_from_db()
    assert soon.reminded_at is not None and soon.withdrawn_at is None
    assert gone.withdrawn_at == gone.expires_at
