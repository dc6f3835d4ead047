"""Periodic work for anonymous feedback."""

from __future__ import annotations

from celery import shared_task

from .services import file_answers as _file_answers


@shared_task(name="feedback.tasks.file_answers", ignore_result=True)
def file_answers() -> int:
    """File the answers of months that are over (hourly at five past: the run
    at 01:05 on the 1st files the month before; a late run catches up).

    Idempotent: a filed answer is no longer pending, and a second run at the
    same time waits for the first one's locks and then finds nothing.
    """
    return _file_answers()
