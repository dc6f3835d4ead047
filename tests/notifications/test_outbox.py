from __future__ import annotations

import datetime
import re
import smtplib

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from groups.models import Group
from meetings.models import Meeting
from meetings.schedule import OSLO
from notifications import sending, services
from notifications.models import (
    BouncedAddress,
    OutgoingMessage,
    ReminderOptOut,
    ReminderPreference,
)
from tests.factories import UserFactory

from .backends import FlakyBackend, refused
from .conftest import make_meeting

Status = OutgoingMessage.Status


def all_ids() -> list[int]:
    return list(OutgoingMessage.objects.values_list("pk", flat=True))


# --- Putting messages in -------------------------------------------------------------


def test_enqueue_is_idempotent_by_key_and_sends_after_commit(
    world, django_capture_on_commit_callbacks
):
    member = world.members[0]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.enqueue(
            key="meeting_moved:m=1:c=1:u=1",
            kind="meeting_moved",
            recipient=member,
            params={"meeting": world.meeting.pk},
        )
        again = services.enqueue(
            key="meeting_moved:m=1:c=1:u=1",
            kind="meeting_moved",
            recipient=member,
            params={"meeting": world.meeting.pk},
        )
    assert first is not None and again is None
    assert OutgoingMessage.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]


def test_a_later_message_waits_for_the_dispatcher(world, django_capture_on_commit_callbacks):
    later = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.enqueue(
            key="x:1",
            kind="meeting_moved",
            recipient=world.members[0],
            params={"meeting": world.meeting.pk},
            due_at=later,
        )
    assert callbacks == []
    assert services.outbox_dispatch() == 0
    assert services.outbox_dispatch(now=later) == 1


# --- Reminders ------------------------------------------------------------------------


def test_scan_creates_one_reminder_per_member_and_channel_once(world):
    assert services.reminder_scan() == 3
    assert services.reminder_scan() == 0
    keys = set(OutgoingMessage.objects.values_list("key", flat=True))
    assert keys == {f"reminder:m={world.meeting.pk}:u={u.pk}:email" for u in world.members}


def test_lead_time_opt_out_and_sms_follow_the_members_choice(world):
    short, _opted_out, texter = world.members
    ReminderPreference.objects.create(user=short, lead_hours=2)
    ReminderOptOut.objects.create(membership=world.memberships[1])
    texter.phone = "412 34 567"
    texter.save()
    ReminderPreference.objects.create(user=texter, lead_hours=24, channel="both")
    assert services.reminder_scan() == 2  # the texter, by e-mail and SMS
    assert set(OutgoingMessage.objects.values_list("recipient_id", "channel")) == {
        (texter.pk, "email"),
        (texter.pk, "sms"),
    }
    # Two hours before the meeting the short lead time has come too.
    assert services.reminder_scan(now=world.meeting.starts_at - datetime.timedelta(hours=2)) == 1


def test_no_reminders_for_cancelled_meetings_or_paused_groups(world):
    world.meeting.cancelled_at = timezone.now()
    world.meeting.save()
    other = make_meeting(world.group, starts_in=datetime.timedelta(hours=5))
    Group.objects.filter(pk=world.group.pk).update(state=Group.State.PAUSED)
    assert services.reminder_scan() == 0
    Group.objects.filter(pk=world.group.pk).update(state=Group.State.SELF_RUN)
    assert services.reminder_scan() == 3
    assert set(OutgoingMessage.objects.values_list("params__meeting", flat=True)) == {other.pk}


def test_reminder_is_sent_once_with_a_neutral_subject_and_absence_link(world, sms_outbox):
    texter = world.members[2]
    texter.phone = "98765432"
    texter.save()
    ReminderPreference.objects.create(user=texter, channel="sms")
    services.reminder_scan()
    counts = sending.send_batch(all_ids())
    assert counts == {"sent": 3}
    assert sending.send_batch(all_ids()) == {}
    assert len(mail.outbox) == 2 and len(sms_outbox) == 1
    # "Påminnelse: gruppemøte i dag kl. 18:00" (English until translated): a time, no name.
    assert re.search(r"\d\d:\d\d$", mail.outbox[0].subject)
    assert world.group.name not in mail.outbox[0].subject
    assert "/fravar/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert sms_outbox[0]["to"] == "+4798765432"
    assert "/fravar/" in sms_outbox[0]["text"]


def test_reminder_in_the_members_language(world):
    english = world.members[0]
    english.language = "en"
    english.save()
    services.reminder_scan()
    sending.send_batch(all_ids())
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[english.email].startswith("Reminder: group meeting")


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (datetime.datetime(2026, 12, 31, 20, 0, tzinfo=OSLO), "tomorrow"),
        # 00:30 on New Year's Day in Oslo is still 31 December in UTC.
        (datetime.datetime(2027, 1, 1, 0, 30, tzinfo=OSLO), "today"),
    ],
    ids=["new-years-eve", "new-years-day"],
)
def test_reminder_says_today_or_tomorrow_by_the_date_in_oslo(world, now, day):
    world.meeting.delete()
    english = world.members[0]
    english.language = "en"
    english.save()
    starts = datetime.datetime(2027, 1, 1, 18, 0, tzinfo=OSLO)
    with time_machine.travel(now, tick=False):
        Meeting.objects.create(
            group=world.group,
            occurrence=starts,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        )
        assert services.reminder_scan() == 3
        sending.send_batch(all_ids())
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[english.email] == f"Reminder: group meeting {day} at 18:00"


def test_meeting_cancelled_or_deleted_before_sending_cancels_the_reminder(world):
    services.reminder_scan()
    world.meeting.cancelled_at = timezone.now()
    world.meeting.save()
    assert sending.send_batch(all_ids()) == {"cancelled": 3}
    assert mail.outbox == []
    OutgoingMessage.objects.update(status=Status.PENDING)
    world.meeting.delete()
    assert sending.send_batch(all_ids()) == {"cancelled": 3}


# --- Bad addresses and failures ------------------------------------------------------------


def test_unverified_address_and_invalid_phone_fail_visibly_without_stopping_the_batch(world):
    unverified, bad_phone, fine = world.members
    unverified.emailaddress_set.update(verified=False)
    bad_phone.phone = "12"
    bad_phone.save()
    ReminderPreference.objects.create(user=bad_phone, channel="sms")
    services.reminder_scan()
    sending.send_batch(all_ids())
    rows = {m.recipient_id: m for m in OutgoingMessage.objects.all()}
    assert rows[unverified.pk].status == Status.FAILED
    assert rows[unverified.pk].last_error == "no verified e-mail address"
    assert rows[fine.pk].status == Status.SENT
    # The member chose SMS with a number that cannot be one: a reason the admin can read.
    assert rows[bad_phone.pk].status == Status.FAILED
    assert rows[bad_phone.pk].last_error == "invalid phone number"
    assert [m.to for m in mail.outbox] == [[fine.email]]


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    settings.SELVHJELP_OUTBOX_RETRY_BASE_SECONDS = 60
    FlakyBackend.failures.clear()
    FlakyBackend.opened = 0
    yield FlakyBackend.failures
    FlakyBackend.failures.clear()


def test_transient_errors_retry_with_backoff_permanent_ones_fail(world, flaky):
    busy, gone, fine = world.members
    flaky[busy.email] = smtplib.SMTPDataError(451, b"try later")
    flaky[gone.email] = refused(gone.email, 550)
    services.reminder_scan()
    now = timezone.now()
    sending.send_batch(all_ids(), now=now)
    rows = {m.recipient_id: m for m in OutgoingMessage.objects.all()}
    assert rows[fine.pk].status == Status.SENT
    assert rows[busy.pk].status == Status.PENDING
    assert rows[busy.pk].last_error == "SMTP 451"
    wait = (rows[busy.pk].next_attempt_at - now).total_seconds()
    assert 30 <= wait <= 60  # base 60 s, jitter 50-100 %
    assert rows[gone.pk].status == Status.FAILED
    assert rows[gone.pk].last_error == "bounced: SMTP 550"
    assert BouncedAddress.objects.filter(address=gone.email.lower(), user=gone).exists()
    assert FlakyBackend.opened == 1  # one connection for the whole batch

    # The relay recovers: the retry goes out once it is due, the bounce stays.
    flaky.clear()
    assert sending.send_batch(all_ids(), now=now) == {}  # not due yet
    later = now + datetime.timedelta(minutes=2)
    assert sending.send_batch(all_ids(), now=later) == {"sent": 1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([fine.email, busy.email])


def test_backoff_grows_and_is_capped(settings):
    settings.SELVHJELP_OUTBOX_RETRY_BASE_SECONDS = 10
    settings.SELVHJELP_OUTBOX_RETRY_CAP_SECONDS = 100
    assert 5 <= sending.backoff_seconds(1) <= 10
    assert 20 <= sending.backoff_seconds(3) <= 40
    assert 50 <= sending.backoff_seconds(12) <= 100


def test_after_max_attempts_a_row_fails(world, flaky, settings):
    settings.SELVHJELP_OUTBOX_MAX_ATTEMPTS = 1
    flaky[world.members[0].email] = ConnectionRefusedError()
    services.reminder_scan()
    sending.send_batch(all_ids())
    row = OutgoingMessage.objects.get(recipient=world.members[0])
    assert (row.status, row.last_error) == (Status.FAILED, "ConnectionRefusedError")


def test_a_bounced_address_gets_nothing_more(world):
    member = world.members[0]
    services.bounce_record(address=member.email, channel="email", user_id=member.pk, reason="x")
    services.reminder_scan()
    sending.send_batch(all_ids())
    row = OutgoingMessage.objects.get(recipient=member)
    assert (row.status, row.last_error) == (Status.FAILED, "address bounced")
    assert member.email not in [m.to[0] for m in mail.outbox]


def test_a_renderer_error_fails_one_row_only(world, monkeypatch):
    from notifications import registry

    original = registry._renderers["meeting_reminder"]

    def broken(message):
        if message.recipient_id == world.members[0].pk:
            raise ValueError("boom")
        return original(message)

    monkeypatch.setitem(registry._renderers, "meeting_reminder", broken)
    services.reminder_scan()
    assert sending.send_batch(all_ids()) == {"failed": 1, "sent": 2}


# --- Dispatching ----------------------------------------------------------------------------


@pytest.fixture
def handed(monkeypatch):
    from notifications import tasks

    batches: list[list[int]] = []
    monkeypatch.setattr(tasks.send_batch, "delay", lambda ids: batches.append(list(ids)))
    return batches


def test_dispatch_hands_each_due_row_out_once_until_its_lease_ends(world, handed, settings):
    settings.SELVHJELP_OUTBOX_BATCH_SIZE = 2
    services.reminder_scan()
    now = timezone.now()
    assert services.outbox_dispatch(now=now) == 3
    assert services.outbox_dispatch(now=now) == 0  # a second beat at the same time
    assert sorted(i for b in handed for i in b) == sorted(all_ids())
    assert [len(b) for b in handed] == [2, 1]
    after_lease = now + datetime.timedelta(seconds=settings.SELVHJELP_OUTBOX_LEASE_SECONDS + 1)
    assert services.outbox_dispatch(now=after_lease) == 3  # the tasks were lost


def test_sweeper_puts_stuck_rows_back_and_claims_are_exclusive(world, settings):
    services.reminder_scan()
    now = timezone.now()
    claimed = sending.claim(all_ids(), now)
    assert len(claimed) == 3
    assert sending.claim(all_ids(), now) == []  # a second worker gets nothing
    assert services.outbox_sweep(now=now) == 0
    later = now + datetime.timedelta(seconds=settings.SELVHJELP_OUTBOX_STUCK_SECONDS + 1)
    assert services.outbox_sweep(now=later) == 3
    assert sending.send_batch(all_ids(), now=later) == {"sent": 3}


def test_a_row_taken_back_by_the_sweeper_is_not_marked_by_the_old_claim(world):
    services.reminder_scan()
    row = OutgoingMessage.objects.first()
    assert row is not None
    OutgoingMessage.objects.filter(pk=row.pk).update(status=Status.PENDING)
    sending._record(row, sending.Outcome(Status.SENT), timezone.now())
    row.refresh_from_db()
    assert row.status == Status.PENDING


def test_message_id_is_stable_per_key():
    assert sending.message_id("a") == sending.message_id("a") != sending.message_id("b")


def test_a_member_is_told_about_a_bounce_at_next_login(db, rf):
    from django.contrib.auth.signals import user_logged_in
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    user = UserFactory()
    services.bounce_record(address=user.email, channel="email", user_id=user.pk, reason="SMTP 550")
    request = rf.get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    user_logged_in.send(sender=type(user), request=request, user=user)
    assert len(list(request._messages)) == 1
    assert BouncedAddress.objects.get().notified_at is not None
    assert services.bounces_to_tell(user=user) == []
    user_logged_in.send(sender=type(user), request=request, user=user)
    assert len(list(request._messages)) == 1  # told once
