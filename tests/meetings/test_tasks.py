"""Beat wiring and the idempotent daily top-up."""

from __future__ import annotations

import pytest
from celery import current_app
from django.conf import settings

from groups.models import Group
from meetings import tasks
from meetings.models import Meeting

from .conftest import make_group

pytestmark = pytest.mark.django_db


def test_beat_stores_meetings_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["meetings-materialise"]
    assert entry["task"] == "meetings.tasks.materialise_all"
    assert entry["task"] in current_app.tasks


def test_materialise_all_twice_one_effect():
    running = make_group()
    paused = make_group(state=Group.State.PAUSED)
    tasks.materialise_all.delay()
    first = list(Meeting.objects.order_by("pk").values_list("pk", "group_id", "starts_at"))
    tasks.materialise_all.delay()
    assert list(Meeting.objects.order_by("pk").values_list("pk", "group_id", "starts_at")) == first
    assert {group_id for _pk, group_id, _starts in first} == {running.group.pk}
    assert not Meeting.objects.filter(group=paused.group).exists()


def test_materialise_group_takes_an_id_only():
    mg = make_group()
    assert tasks.materialise_group.delay(mg.group.pk).get() == 17
    assert tasks.materialise_group.delay(mg.group.pk).get() == 0
