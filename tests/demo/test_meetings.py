from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from groups.models import Group
from meetings.models import Absence, Meeting

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Meeting.objects.count(),
        Meeting.objects.filter(cancelled_at__isnull=False).count(),
        Meeting.objects.filter(attendance__isnull=False).count(),
        Absence.objects.count(),
    )


def test_demo_groups_have_meetings_absences_and_counts():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    first = counts()
    total, cancelled, counted, absences = first
    assert total > 0 and cancelled == 1 and counted > 0 and absences > 0
    meeting_groups = Group.objects.filter(state__in=["starting", "self_run"])
    assert all(Meeting.objects.filter(group=g).count() >= 8 for g in meeting_groups)
    assert not Meeting.objects.filter(group__state="paused").exists()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert counts() == first
