"""Reminder settings moved from the outbox app to meetings without losing a row."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meetings.models import ReminderOptOut, ReminderPreference
from tests.factories import GroupFactory, MembershipFactory, UserFactory

BEFORE = [("notifications", "0002_reminders_and_bounces"), ("meetings", "0002_recorded_index")]
MODELS = ("reminderpreference", "reminderoptout")


@pytest.mark.django_db(transaction=True)
def test_rows_and_content_types_follow_the_models_to_meetings():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = UserFactory()
    membership = MembershipFactory(group=GroupFactory(), user=user)
    old.get_model("notifications", "ReminderPreference").objects.create(
        user_id=user.pk, lead_hours=6, channel="sms"
    )
    old.get_model("notifications", "ReminderOptOut").objects.create(membership_id=membership.pk)
    # Before the move (and after going back) the outbox app owns the content types.
    assert not ContentType.objects.filter(app_label="meetings", model__in=MODELS).exists()
    content_type = ContentType.objects.get(app_label="notifications", model="reminderoptout")
    permission = Permission.objects.get(content_type=content_type, codename="view_reminderoptout")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    preference = ReminderPreference.objects.get(user=user)
    assert (preference.lead_hours, preference.channel) == (6, "sms")
    assert ReminderOptOut.objects.get().membership == membership
    assert user.reminder_preference == preference
    assert membership.reminder_opt_out.pk == ReminderOptOut.objects.get().pk
    permission.refresh_from_db()
    assert (permission.content_type.app_label, permission.content_type.model) == (
        "meetings",
        "reminderoptout",
    )
    assert not ContentType.objects.filter(app_label="notifications", model__in=MODELS).exists()
