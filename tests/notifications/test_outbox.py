from __future__ import annotations

import datetime
import re
import smtplib

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from meetings.models import Meeting, ReminderPreference
from meetings.reminders import reminder_scan
from meetings.schedule import OSLO
from notifications import dispatch, selectors, sending, services
from notifications.models import BouncedAddress, OutgoingMessage
from tests.factories import UserFactory

from .backends import FlakyBackend, refused

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
    handed: list[list[int]] = []
    assert dispatch.outbox_dispatch(hand_out=handed.append) == 0
    assert dispatch.outbox_dispatch(hand_out=handed.append, now=later) == 1
    assert handed == [all_ids()]


# --- Reminders through the outbox ------------------------------------------------------


def test_reminder_is_sent_once_with_a_neutral_subject_and_absence_link(world, sms_outbox):
    texter = world.members[2]
    texter.phone, texter.phone_verified = "98765432", True
    texter.save()
    ReminderPreference.objects.create(user=texter, channel="sms")
    reminder_scan()
    counts = sending.send_batch(all_ids())
    assert counts == {"sent": 3}
    assert sending.send_batch(all_ids()) == {}
    assert len(mail.outbox) == 2 and len(sms_outbox) == 1
    # «Påminnelse: gruppemøte i dag kl. 18.00»: a time as Norwegian writes it, no name.
    assert re.search(r" kl\. \d\d\.\d\d$", mail.outbox[0].subject)
    assert world.group.name not in mail.outbox[0].subject
    assert "/fravar/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert sms_outbox[0]["to"] == "+4798765432"
    assert "/fravar/" in sms_outbox[0]["text"]


def test_reminder_in_the_members_language(world):
    english = world.members[0]
    english.language = "en"
    english.save()
    reminder_scan()
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
        assert reminder_scan() == 3
        sending.send_batch(all_ids())
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[english.email] == f"Reminder: group meeting {day} at 18:00"


def test_reminder_in_bokmal_and_nynorsk(world):
    """Norwegian conventions: lower-case weekday, «kl. 18.00»; Nynorsk is Nynorsk."""
    world.meeting.delete()
    bokmal, nynorsk, english = world.members
    nynorsk.language = "nn"
    nynorsk.save()
    english.language = "en"
    english.save()
    starts = datetime.datetime(2026, 12, 31, 18, 0, tzinfo=OSLO)
    Meeting.objects.create(
        group=world.group,
        occurrence=starts,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    with time_machine.travel(datetime.datetime(2026, 12, 30, 19, 0, tzinfo=OSLO), tick=False):
        reminder_scan()
        sending.send_batch(all_ids())
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[bokmal.email] == "Påminnelse: gruppemøte i morgen kl. 18.00"
    assert subjects[nynorsk.email] == "Påminning: gruppemøte i morgon kl. 18.00"
    assert subjects[english.email] == "Reminder: group meeting tomorrow at 18:00"
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Gruppa di møtes torsdag 31. desember kl. 18.00." in bodies[bokmal.email]
    assert "Gruppa di møtest torsdag 31. desember kl. 18.00." in bodies[nynorsk.email]
    assert "Your group meets Thursday 31 December at 18:00." in bodies[english.email]


def test_meeting_cancelled_or_deleted_before_sending_cancels_the_reminder(world):
    reminder_scan()
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
    bad_phone.phone, bad_phone.phone_verified = "12", True
    bad_phone.save()
    ReminderPreference.objects.create(user=bad_phone, channel="sms")
    reminder_scan()
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
    reminder_scan()
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
    reminder_scan()
    sending.send_batch(all_ids())
    row = OutgoingMessage.objects.get(recipient=world.members[0])
    assert (row.status, row.last_error) == (Status.FAILED, "ConnectionRefusedError")


def test_a_bounced_address_gets_nothing_more(world):
    member = world.members[0]
    sending.bounce_record(address=member.email, channel="email", user_id=member.pk, reason="x")
    reminder_scan()
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
    reminder_scan()
    assert sending.send_batch(all_ids()) == {"failed": 1, "sent": 2}


# --- Dispatching ----------------------------------------------------------------------------


def test_dispatch_hands_each_due_row_out_once_until_its_lease_ends(world, settings):
    settings.SELVHJELP_OUTBOX_BATCH_SIZE = 2
    reminder_scan()
    now = timezone.now()
    handed: list[list[int]] = []
    assert dispatch.outbox_dispatch(hand_out=handed.append, now=now) == 3
    # A second beat at the same time.
    assert dispatch.outbox_dispatch(hand_out=handed.append, now=now) == 0
    assert sorted(i for b in handed for i in b) == sorted(all_ids())
    assert [len(b) for b in handed] == [2, 1]
    after_lease = now + datetime.timedelta(seconds=settings.SELVHJELP_OUTBOX_LEASE_SECONDS + 1)
    # The tasks were lost.
    assert dispatch.outbox_dispatch(hand_out=handed.append, now=after_lease) == 3


def test_sweeper_puts_stuck_rows_back_and_claims_are_exclusive(world, settings):
    reminder_scan()
    now = timezone.now()
    claimed = sending.claim(all_ids(), now)
    assert len(claimed) == 3
    assert sending.claim(all_ids(), now) == []  # a second worker gets nothing
    assert dispatch.outbox_sweep(now=now) == 0
    later = now + datetime.timedelta(seconds=settings.SELVHJELP_OUTBOX_STUCK_SECONDS + 1)
    assert dispatch.outbox_sweep(now=later) == 3
    assert sending.send_batch(all_ids(), now=later) == {"sent": 3}


def test_a_row_taken_back_by_the_sweeper_is_not_marked_by_the_old_claim(world):
    reminder_scan()
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
    sending.bounce_record(address=user.email, channel="email", user_id=user.pk, reason="SMTP 550")
    request = rf.get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    user_logged_in.send(sender=type(user), request=request, user=user)
    assert len(list(request._messages)) == 1
    assert BouncedAddress.objects.get().notified_at is not None
    assert selectors.bounces_to_tell(user=user) == []
    user_logged_in.send(sender=type(user), request=request, user=user)
    assert len(list(request._messages)) == 1  # told once
