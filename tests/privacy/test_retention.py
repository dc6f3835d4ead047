"""Each retention rule, with time travel: old rows go, fresh rows stay."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from core.services import audit
from groups.models import Group, GroupInvitation
from interest.models import InterestRegistration
from joining.models import JoinRequest, WaitingListEntry
from meetings.models import Absence, Meeting
from notifications.models import OutgoingMessage
from organisations.models import StaffInvitation
from privacy.retention import retention_purge, rule_names
from tests.factories import (
    ContactPointFactory,
    GroupFactory,
    MembershipFactory,
    StaffRoleFactory,
    ThemeFactory,
    UserFactory,
)

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


def ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def at_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def made(days: int):
    """Travel to ``days`` before NOW while rows are made (auto_now_add fields follow)."""
    return time_machine.travel(ago(days), tick=False)


def purge() -> dict[str, int]:
    return retention_purge(now=NOW)


@pytest.mark.django_db
def test_unanswered_join_requests_close_then_go(at_now):
    group = GroupFactory()
    with made(40):
        stale = JoinRequest.objects.create(
            group=group, user=UserFactory(), message="Hei", decider="initiator"
        )
    with made(5):
        fresh = JoinRequest.objects.create(group=group, user=UserFactory(), decider="initiator")
    assert purge()["join_requests_unanswered"] == 1
    stale.refresh_from_db()
    assert (stale.status, stale.message) == (JoinRequest.Status.EXPIRED, "")
    fresh.refresh_from_db()
    assert fresh.status == JoinRequest.Status.PENDING
    # Closed 90+ days ago: gone; closed recently: kept.
    with made(100):
        old_closed = JoinRequest.objects.create(
            group=group,
            user=UserFactory(),
            decider="initiator",
            status="declined",
            decided_at=ago(95),
        )
    assert purge()["join_requests_closed"] == 1
    assert not JoinRequest.objects.filter(pk=old_closed.pk).exists()
    assert JoinRequest.objects.filter(pk=stale.pk).exists()  # closed today


@pytest.mark.django_db
def test_closed_waiting_list_entries(at_now):
    group = GroupFactory()
    with made(120):
        old = WaitingListEntry.objects.create(group=group, user=UserFactory(), status="withdrawn")
        assert old.pk
        waiting = WaitingListEntry.objects.create(group=group, user=UserFactory())
    with made(10):
        recent = WaitingListEntry.objects.create(group=group, user=UserFactory(), status="expired")
    assert purge()["waiting_list_closed"] == 1
    assert set(WaitingListEntry.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}
    assert not WaitingListEntry.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_ended_interest_registrations(at_now):
    theme = ThemeFactory()

    def register(**extra) -> InterestRegistration:
        return InterestRegistration.objects.create(
            user=UserFactory(), theme=theme, format=Group.Format.DIGITAL, **extra
        )

    with made(400):
        expired = register()  # expired 35 days ago
    with made(100):
        withdrawn_long_ago = register(withdrawn_at=ago(60))
        withdrawn_lately = register(withdrawn_at=ago(3))
    active = register()
    assert purge()["interest_ended"] == 2
    assert set(InterestRegistration.objects.values_list("pk", flat=True)) == {
        withdrawn_lately.pk,
        active.pk,
    }
    assert not InterestRegistration.objects.filter(pk__in=[expired.pk, withdrawn_long_ago.pk])


@pytest.mark.django_db
def test_done_outbox_rows(at_now):
    user = UserFactory()

    def message(key: str, status: str, sent_at=None) -> OutgoingMessage:
        return OutgoingMessage.objects.create(
            key=key, kind="reminder", recipient=user, status=status, sent_at=sent_at
        )

    with made(60):
        sent_old = message("a", "sent", sent_at=ago(59))
        failed_old = message("b", "failed")
        cancelled_old = message("c", "cancelled")
        pending_old = message("d", "pending")
    with made(60):
        sent_lately = message("e", "sent", sent_at=ago(2))
    fresh = message("f", "sent", sent_at=NOW)
    assert purge()["messages_done"] == 3
    left = set(OutgoingMessage.objects.values_list("pk", flat=True))
    assert left == {pending_old.pk, sent_lately.pk, fresh.pk}
    assert not left & {sent_old.pk, failed_old.pk, cancelled_old.pk}


@pytest.mark.django_db
def test_audit_details_then_audit_rows(at_now):
    user = UserFactory()
    with made(800):
        ancient = audit(actor=user, event=AuditEvent.Event.ACCOUNT_LOGIN, target=user)
    with made(200):
        old = audit(
            actor=user,
            event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED,
            target=user,
            data={"fields": ["phone"]},
        )
    recent = audit(
        actor=user,
        event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED,
        target=user,
        data={"fields": ["x"]},
    )
    counts = purge()
    assert counts["audit_details"] >= 1
    assert counts["audit_events"] == 1
    assert not AuditEvent.objects.filter(pk=ancient.pk).exists()
    old.refresh_from_db()
    assert (old.event, old.data, old.target_id) == ("account.profile_changed", {}, "")
    recent.refresh_from_db()
    assert recent.data == {"fields": ["x"]}
    assert recent.target_id == str(user.pk)


@pytest.mark.django_db
def test_unverified_accounts_nobody_uses(at_now):
    with made(45):
        stale = UserFactory(verified=False)
        verified = UserFactory()
        staff = UserFactory(verified=False)
        StaffRoleFactory(user=staff)
        unverified_but_used = UserFactory(verified=False, last_login=ago(1))
        EmailAddress.objects.create(user=stale, email=stale.email, verified=False, primary=True)
    with made(3):
        new = UserFactory(verified=False)
    assert purge()["accounts_unverified"] == 1
    assert not User.objects.filter(pk=stale.pk).exists()
    assert (
        User.objects.filter(pk__in=[verified.pk, staff.pk, unverified_but_used.pk, new.pk]).count()
        == 4
    )
    assert AuditEvent.objects.filter(event=AuditEvent.Event.ACCOUNT_DELETED).count() == 1


@pytest.mark.django_db
def test_code_only_accounts_that_hold_nothing_go_like_unverified_ones(at_now):
    def code_only(**extra) -> User:
        user = UserFactory(**extra)
        user.set_unusable_password()
        user.save()
        return user

    with made(45):
        number_only = code_only(
            email=None, phone="+4791234567", phone_verified=True, verified=False
        )
        email_only = code_only()
        on_a_list = code_only(email=None, phone="+4791234568", phone_verified=True, verified=False)
        InterestRegistration.objects.create(
            user=on_a_list, theme=ThemeFactory(), format=Group.Format.DIGITAL
        )
        member = code_only()
        MembershipFactory(user=member)
        asked_to_join = code_only()
        JoinRequest.objects.create(group=GroupFactory(), user=asked_to_join, decider="initiator")
        with_password = UserFactory(
            email=None, phone="+4791234569", phone_verified=True, verified=False
        )
        used_lately = code_only(last_login=ago(2))
    with made(3):
        new = code_only(email=None, phone="+4791234560", phone_verified=True, verified=False)

    assert purge()["accounts_unverified"] == 2
    assert not User.objects.filter(pk__in=[number_only.pk, email_only.pk]).exists()
    kept = [on_a_list, member, asked_to_join, with_password, used_lately, new]
    assert User.objects.filter(pk__in=[u.pk for u in kept]).count() == len(kept)


@pytest.mark.django_db
def test_absences_and_past_meeting_details(at_now):
    group = GroupFactory(state=Group.State.SELF_RUN)
    membership = MembershipFactory(group=group)

    def meeting(days_ago: int, **extra) -> Meeting:
        start = ago(days_ago)
        return Meeting.objects.create(
            group=group,
            occurrence=start,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            **extra,
        )

    old = meeting(100, place="Biblioteket, rom 3", note="Ta med kaffe", attendance=5)
    recent = meeting(10, place="Kafeen")
    old_absence = Absence.objects.create(meeting=old, membership=membership)
    recent_absence = Absence.objects.create(meeting=recent, membership=membership)
    counts = purge()
    assert counts["absences"] == 1
    assert counts["meeting_details"] == 1
    assert not Absence.objects.filter(pk=old_absence.pk).exists()
    assert Absence.objects.filter(pk=recent_absence.pk).exists()
    old.refresh_from_db()
    assert (old.place, old.note, old.attendance) == ("", "", 5)
    recent.refresh_from_db()
    assert recent.place == "Kafeen"


@pytest.mark.django_db
def test_old_invitations(at_now):
    cp = ContactPointFactory()
    with made(60):
        expired = StaffInvitation.objects.create(
            email="ny@example.org", kind="initiator", contact_point=cp, token="t1"
        )
        group = GroupFactory(contact_point=cp)
        answered = GroupInvitation.objects.create(
            group=group, user=UserFactory(), status="declined", responded_at=ago(50)
        )
        waiting = GroupInvitation.objects.create(group=group, user=UserFactory())
    valid = StaffInvitation.objects.create(
        email="ny2@example.org", kind="initiator", contact_point=cp, token="t2"
    )
    assert purge()["invitations"] == 2
    assert set(StaffInvitation.objects.values_list("pk", flat=True)) == {valid.pk}
    assert set(GroupInvitation.objects.values_list("pk", flat=True)) == {waiting.pk}
    assert not GroupInvitation.objects.filter(pk=answered.pk).exists()
    assert not StaffInvitation.objects.filter(pk=expired.pk).exists()


@pytest.mark.django_db
def test_expired_sessions(at_now):
    with made(30):
        old = SessionStore()
        old["x"] = 1
        old.create()
    fresh = SessionStore()
    fresh["x"] = 1
    fresh.create()
    assert purge()["sessions"] == 1
    assert set(Session.objects.values_list("pk", flat=True)) == {fresh.session_key}


@pytest.mark.django_db
def test_a_second_run_removes_nothing_more(at_now):
    group = GroupFactory()
    with made(200):
        JoinRequest.objects.create(group=group, user=UserFactory(), decider="initiator")
        audit(actor=None, event=AuditEvent.Event.ACCOUNT_LOGIN, data={"a": 1})
    first = purge()
    assert sum(first.values()) > 0
    second = retention_purge(now=NOW)
    assert second == dict.fromkeys(rule_names(), 0)


def test_purge_runs_daily_from_beat():
    from django.conf import settings

    from selvhjelp.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["retention-purge"]
    assert entry["task"] == "privacy.tasks.purge"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_periods_are_settings(at_now, settings):
    user = UserFactory()
    with made(10):
        message = OutgoingMessage.objects.create(
            key="k", kind="reminder", recipient=user, status="sent", sent_at=ago(10)
        )
    assert purge()["messages_done"] == 0
    settings.SELVHJELP_RETAIN_DONE_MESSAGE_DAYS = 7
    assert purge()["messages_done"] == 1
    assert not OutgoingMessage.objects.filter(pk=message.pk).exists()
    assert timezone.now() == NOW


@pytest.mark.django_db
def test_the_beat_task_runs_the_rules_once(at_now):
    from privacy.tasks import purge as purge_task

    group = GroupFactory()
    with made(40):
        JoinRequest.objects.create(group=group, user=UserFactory(), decider="initiator")
    purge_task.delay()
    purge_task.delay()
    assert JoinRequest.objects.get().status == JoinRequest.Status.EXPIRED
    assert AuditEvent.objects.filter(event=AuditEvent.Event.RETENTION_PURGED).count() == 1
