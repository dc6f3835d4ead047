"""Cancelling, moving, notices of absence and attendance counts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from core.models import AuditEvent
from core.services import DomainError
from groups.models import Group, Membership
from meetings import nudge, services
from meetings.models import Absence, Meeting, ReminderPreference
from notifications.models import OutgoingMessage

from .conftest import future_meeting, make_group, past_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages below are matched in their English source text."""
    with translation.override("en"):
        yield


def snapshot(meeting: Meeting) -> tuple:
    meeting.refresh_from_db()
    return (meeting.starts_at, meeting.ends_at, meeting.place, meeting.cancelled_at, meeting.note)


def test_cancel_notifies_every_other_active_member_once(meeting_group):
    meeting = future_meeting(meeting_group)
    actor = meeting_group.member
    left = meeting_group.members[5]
    left.status, left.ended_at = Membership.Status.LEFT, timezone.now()
    left.save()
    services.meeting_cancel(meeting=meeting, actor=actor.user, note="Vi tar juleferie")
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.note == "Vi tar juleferie"
    messages = OutgoingMessage.objects.filter(kind="meeting_cancelled")
    expected = {m.user_id for m in meeting_group.members[:5]} - {actor.user_id}
    assert {m.recipient_id for m in messages} == expected
    assert {tuple(m.params.items()) for m in messages} == {(("meeting", meeting.pk),)}
    event = AuditEvent.objects.get(event=AuditEvent.Event.MEETING_CANCELLED)
    assert "juleferie" not in str(event.data)


def test_cancel_notice_goes_by_sms_to_members_who_chose_it(meeting_group):
    meeting = future_meeting(meeting_group)
    others = [m for m in meeting_group.members if m.pk != meeting_group.member.pk]
    by_sms, both, no_phone = (m.user for m in others[:3])
    for user, channel, phone in (
        (by_sms, "sms", "+4791234567"),
        (both, "both", "+4791234568"),
        (no_phone, "sms", ""),
    ):
        user.phone, user.phone_verified = phone, bool(phone)
        user.save()
        ReminderPreference.objects.create(user=user, channel=channel)
    services.meeting_cancel(meeting=meeting, actor=meeting_group.member.user, note="")
    sent = {
        (m.recipient_id, m.channel)
        for m in OutgoingMessage.objects.filter(kind="meeting_cancelled")
    }
    assert (by_sms.pk, "sms") in sent and (by_sms.pk, "email") not in sent
    assert {(both.pk, "sms"), (both.pk, "email")} <= sent
    assert (no_phone.pk, "email") in sent and (no_phone.pk, "sms") not in sent


def test_cancelling_twice_is_refused_and_changes_nothing(meeting_group):
    meeting = future_meeting(meeting_group)
    services.meeting_cancel(meeting=meeting, actor=meeting_group.member.user)
    before = snapshot(meeting)
    with pytest.raises(DomainError, match="already cancelled"):
        services.meeting_cancel(meeting=meeting, actor=meeting_group.members[2].user)
    assert snapshot(meeting) == before
    assert OutgoingMessage.objects.filter(kind="meeting_cancelled").count() == 5


def test_each_move_notifies_again(meeting_group):
    meeting = future_meeting(meeting_group)
    actor = meeting_group.member.user
    first = meeting.starts_at + datetime.timedelta(days=1)
    services.meeting_move(meeting=meeting, actor=actor, starts_at=first, note="Rommet er opptatt")
    services.meeting_move(meeting=meeting, actor=actor, starts_at=first, place="Biblioteket")
    meeting.refresh_from_db()
    assert meeting.starts_at == first and meeting.place == "Biblioteket"
    assert meeting.ends_at - meeting.starts_at == datetime.timedelta(hours=2)
    assert meeting.change_count == 2
    assert OutgoingMessage.objects.filter(kind="meeting_moved").count() == 10
    events = AuditEvent.objects.filter(event=AuditEvent.Event.MEETING_MOVED)
    assert events.count() == 2
    assert all("Biblioteket" not in str(e.data) and "Rommet" not in str(e.data) for e in events)


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (lambda m, now: now - datetime.timedelta(hours=1), "has not passed"),
        (lambda m, now: m.starts_at + datetime.timedelta(days=7, minutes=30), "another meeting"),
        (lambda m, now: m.starts_at + datetime.timedelta(days=6, hours=23), "another meeting"),
        (lambda m, now: m.starts_at, "Nothing was changed"),
    ],
)
def test_bad_moves_are_refused_and_change_nothing(meeting_group, shift, message):
    meeting = future_meeting(meeting_group)
    before = snapshot(meeting)
    with pytest.raises(DomainError, match=message):
        services.meeting_move(
            meeting=meeting,
            actor=meeting_group.member.user,
            starts_at=shift(meeting, timezone.now()),
        )
    assert snapshot(meeting) == before
    assert not OutgoingMessage.objects.exists()
    assert not AuditEvent.objects.filter(event=AuditEvent.Event.MEETING_MOVED).exists()


def test_moving_onto_a_cancelled_meeting_is_allowed(meeting_group):
    meeting, other = future_meeting(meeting_group, 0), future_meeting(meeting_group, 1)
    services.meeting_cancel(meeting=other, actor=meeting_group.member.user)
    services.meeting_move(
        meeting=meeting, actor=meeting_group.member.user, starts_at=other.starts_at
    )


def test_past_and_cancelled_meetings_cannot_be_moved(meeting_group):
    past = past_meeting(meeting_group)
    with pytest.raises(DomainError, match="already started"):
        services.meeting_move(
            meeting=past,
            actor=meeting_group.member.user,
            starts_at=timezone.now() + datetime.timedelta(days=1),
        )
    with pytest.raises(DomainError, match="already started"):
        services.meeting_cancel(meeting=past, actor=meeting_group.member.user)
    meeting = future_meeting(meeting_group)
    services.meeting_cancel(meeting=meeting, actor=meeting_group.member.user)
    with pytest.raises(DomainError, match="cancelled meeting cannot be moved"):
        services.meeting_move(
            meeting=meeting,
            actor=meeting_group.member.user,
            starts_at=meeting.starts_at + datetime.timedelta(hours=3),
        )


def test_paused_groups_meetings_cannot_be_changed(meeting_group):
    meeting = future_meeting(meeting_group)
    Group.objects.filter(pk=meeting_group.group.pk).update(state=Group.State.PAUSED)
    with pytest.raises(DomainError, match="paused"):
        services.meeting_cancel(meeting=meeting, actor=meeting_group.member.user)


def test_notice_of_absence_is_idempotent_and_can_be_undone(meeting_group):
    meeting = future_meeting(meeting_group)
    membership = meeting_group.member
    assert services.absence_register(meeting=meeting, membership=membership) is True
    assert services.absence_register(meeting=meeting, membership=membership) is False
    assert Absence.objects.filter(meeting=meeting).count() == 1
    assert services.absence_withdraw(meeting=meeting, membership=membership) is True
    assert services.absence_withdraw(meeting=meeting, membership=membership) is False
    assert not Absence.objects.exists()


def test_notice_is_refused_after_the_meeting_and_for_other_groups(meeting_group):
    past = past_meeting(meeting_group)
    with pytest.raises(DomainError, match="over"):
        services.absence_register(meeting=past, membership=meeting_group.member)
    other = make_group(n_members=1)
    with pytest.raises(DomainError, match="not a member"):
        services.absence_register(
            meeting=future_meeting(meeting_group), membership=other.members[0]
        )
    assert not Absence.objects.exists()


def test_attendance_is_a_number_after_the_start_and_can_be_corrected(meeting_group):
    actor = meeting_group.member.user
    with pytest.raises(DomainError, match="once the meeting has started"):
        services.attendance_record(meeting=future_meeting(meeting_group), actor=actor, count=4)
    past = past_meeting(meeting_group)
    services.attendance_record(meeting=past, actor=actor, count=5)
    services.attendance_record(meeting=past, actor=actor, count=4)
    past.refresh_from_db()
    assert past.attendance == 4
    with pytest.raises(DomainError, match="between 0 and 8"):
        services.attendance_record(meeting=past, actor=actor, count=9)
    with pytest.raises(DomainError):
        services.attendance_record(meeting=past, actor=actor, count=-1)
    past.refresh_from_db()
    assert past.attendance == 4
    assert list(
        AuditEvent.objects.filter(event__startswith="meeting.attendance")
        .order_by("pk")
        .values_list("event", flat=True)
    ) == ["meeting.attendance_recorded", "meeting.attendance_corrected"]


def test_meetings_held_count_past_uncancelled_meetings_with_a_count():
    mg = make_group(state=Group.State.STARTING)
    group = mg.group
    Group.objects.filter(pk=group.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=30)
    )
    group.refresh_from_db()
    held = [past_meeting(mg, days) for days in (28, 21, 14, 7)]
    before_start = past_meeting(mg, 35)
    for meeting in (*held, before_start):
        Meeting.objects.filter(pk=meeting.pk).update(attendance=5)
    Meeting.objects.filter(pk=held[0].pk).update(attendance=None)  # nobody counted
    Meeting.objects.filter(pk=held[1].pk).update(cancelled_at=timezone.now())
    assert nudge.meetings_since_start(group=group) == 2
    Group.objects.filter(pk=group.pk).update(state=Group.State.SELF_RUN)
    group.refresh_from_db()
    assert nudge.meetings_since_start(group=group) == 0


def test_no_notice_for_a_paused_groups_meeting(meeting_group):
    meeting = future_meeting(meeting_group)
    Group.objects.filter(pk=meeting_group.group.pk).update(state=Group.State.PAUSED)
    with pytest.raises(DomainError, match="paused"):
        services.absence_register(meeting=meeting, membership=meeting_group.member)
    assert not Absence.objects.exists()
