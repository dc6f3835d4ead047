"""Reminders and notices are texted only to a confirmed number.

A number typed on the profile may hold a typo: someone else's phone, who
would learn a time, a link and that the member goes to a group. Until the
member has typed in a code sent to it, reminders go by e-mail instead, the
reminder settings ask for the number to be confirmed first, and the outbox
refuses to text it (``notifications.sending``).
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Meeting, ReminderPreference
from meetings.reminders import reminder_scan
from notifications import sending
from notifications.models import OutgoingMessage
from notifications.services import enqueue
from tests.conftest import login
from tests.meetings.conftest import make_group

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


pytestmark = pytest.mark.usefixtures("sms_outbox")


@pytest.fixture
def texter(db):
    """A member who chose SMS reminders, with a number on the profile, in a group
    that meets in three hours."""
    with time_machine.travel(NOW, tick=False):
        mg = make_group(n_members=1)
        starts = NOW + datetime.timedelta(hours=3)
        Meeting.objects.create(
            group=mg.group,
            occurrence=starts,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        )
        user = mg.members[0].user
        user.phone = "+4791234567"
        user.save()
        ReminderPreference.objects.create(user=user, channel=ReminderPreference.Channel.SMS)
        return user


def test_a_member_with_an_unconfirmed_number_is_reminded_by_email(texter):
    with time_machine.travel(NOW, tick=False):
        assert reminder_scan() == 1
    assert list(OutgoingMessage.objects.values_list("recipient_id", "channel")) == [
        (texter.pk, OutgoingMessage.Channel.EMAIL)
    ]


def test_once_confirmed_the_same_member_is_reminded_by_text(texter, sms_outbox):
    texter.phone_verified = True
    texter.save()
    with time_machine.travel(NOW, tick=False):
        assert reminder_scan() == 1
        sending.send_batch(list(OutgoingMessage.objects.values_list("pk", flat=True)))
    assert [m["to"] for m in sms_outbox] == ["+4791234567"]


def test_the_outbox_texts_no_unconfirmed_number(texter, sms_outbox):
    with time_machine.travel(NOW, tick=False):
        row = enqueue(
            key=f"test:u={texter.pk}:sms",
            kind="meeting_reminder",
            channel=OutgoingMessage.Channel.SMS,
            recipient=texter,
            params={"meeting": Meeting.objects.get().pk, "membership": texter.memberships.get().pk},
        )
        assert row is not None
        sending.send_batch([row.pk])
    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutgoingMessage.Status.FAILED, "number not confirmed")
    assert sms_outbox == []


def test_reminder_settings_ask_to_confirm_the_number_before_sms(client, texter):
    ReminderPreference.objects.all().delete()
    login(client, texter)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("meetings:reminders"), {"lead_hours": "24", "channel": "sms"}
        )
    assert response.status_code == 200
    assert "Bekreft mobilnummeret ditt på profilen først" in response.content.decode()
    assert not ReminderPreference.objects.exists()
