"""The interest list's services, against the database; e-mail via locmem."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from core.models import AuditEvent
from core.services import DomainError
from groups.models import Group, GroupInvitation, Membership
from interest import services
from interest.models import InterestRegistration, QuorumAlert
from interest.selectors import InterestFilter
from tests.factories import ContactPointFactory, GroupFactory, UserFactory


def assert_neutral_subjects(theme) -> None:
    for message in mail.outbox:
        for name in (theme.name_nb, theme.name_en):
            assert name.lower() not in message.subject.lower(), message.subject


# --- Register and withdraw --------------------------------------------------


def test_register_sets_a_year_and_audits_ids_only(area, register):
    registration = register()
    assert registration.expires_at - registration.created_at == datetime.timedelta(days=365)
    assert registration.status == "waiting"
    event = AuditEvent.objects.get(event=AuditEvent.Event.INTEREST_REGISTERED)
    assert event.target_id == str(registration.pk)
    assert area.theme.name_nb not in str(event.data)


def test_duplicate_registration_is_a_domain_error(area, register):
    user = UserFactory()
    register(user=user)
    with pytest.raises(DomainError):
        register(user=user)
    # Another kommune, or digital, is a different list.
    register(user=user, kommune=area.far)
    register(user=user, format="digital", kommune=None)
    with pytest.raises(DomainError):
        register(user=user, format="digital", kommune=area.oslo)


def test_database_allows_one_active_registration_per_list(area):
    user = UserFactory()
    now = timezone.now()
    values = {"user": user, "theme": area.theme, "format": "in_person", "kommune": area.oslo}
    InterestRegistration.objects.create(**values, expires_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterestRegistration.objects.create(**values, expires_at=now)
    digital = {"user": user, "theme": area.theme, "format": "digital"}
    InterestRegistration.objects.create(**digital, expires_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterestRegistration.objects.create(**digital, kommune=area.oslo, expires_at=now)


def test_in_person_needs_a_kommune(area, register):
    with pytest.raises(DomainError):
        register(kommune=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterestRegistration.objects.create(
            user=UserFactory(), theme=area.theme, format="in_person", expires_at=timezone.now()
        )


def test_sms_needs_a_phone_number(area, register):
    with pytest.raises(DomainError):
        register(contact_by="sms")
    registration = register(user=UserFactory(phone="+4741234567"), contact_by="sms")
    assert registration.contact_by == "sms"


def test_withdraw_twice_changes_nothing_the_second_time(area, register):
    registration = register()
    first = services.interest_withdraw(registration=registration, user=registration.user)
    second = services.interest_withdraw(registration=registration, user=registration.user)
    assert first.withdrawn_at == second.withdrawn_at is not None
    assert AuditEvent.objects.filter(event=AuditEvent.Event.INTEREST_WITHDRAWN).count() == 1
    # Back on the same list later is allowed.
    register(user=registration.user)


def test_nobody_else_can_withdraw_a_registration(area, register):
    registration = register()
    with pytest.raises(DomainError):
        services.interest_withdraw(registration=registration, user=UserFactory())


# --- Quorum -------------------------------------------------------------------


def test_quorum_of_four_sends_exactly_one_alert(area, register, django_capture_on_commit_callbacks):
    for _ in range(3):
        register()
    assert not QuorumAlert.objects.exists()
    assert mail.outbox == []

    fourth = register()
    alert = QuorumAlert.objects.get()
    assert alert.contact_point == area.cp
    assert alert.count_at_alert == 4
    assert alert.sent_at is not None
    # One message per recipient: staff do not see each other's addresses.
    assert sorted(m.to for m in mail.outbox) == [["ansatt@example.org"], ["kp-oslo@example.org"]]
    assert all(area.theme.name_nb in m.body for m in mail.outbox)  # staff only

    register()  # a fifth
    with django_capture_on_commit_callbacks(execute=True):
        services.interest_quorum_check(registration=fourth)  # and the check again
    assert QuorumAlert.objects.count() == 1
    assert len(mail.outbox) == 2
    assert_neutral_subjects(area.theme)


def test_quorum_counts_neighbours_within_radius_only(area, register):
    register(kommune=area.oslo)
    register(kommune=area.near)
    register(kommune=area.far)
    register(kommune=area.near, radius_km=10)
    register(kommune=area.oslo, theme=area.other_theme)
    assert not QuorumAlert.objects.exists()
    register(kommune=area.oslo)
    alert = QuorumAlert.objects.get()
    assert alert.kommune == area.oslo


def test_nearest_contact_point_answers_when_the_kommune_has_none(area, register):
    for _ in range(4):
        register(kommune=area.near)
    assert QuorumAlert.objects.get().contact_point == area.cp


@override_settings(SELVHJELP_QUORUM=2)
def test_quorum_is_a_setting_and_digital_prefers_an_lms(area, register):
    register(format="digital", kommune=area.far)
    register(format="digital", kommune=None)
    alert = QuorumAlert.objects.get()
    assert alert.format == "digital"
    assert alert.contact_point == area.cp_far  # the LMS in the most-registered district


def test_withdrawn_and_expired_do_not_count(area, register):
    for _ in range(3):
        services.interest_withdraw(registration=(r := register()), user=r.user)
    InterestRegistration.objects.create(
        user=UserFactory(),
        theme=area.theme,
        format="in_person",
        kommune=area.oslo,
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    register()
    assert not QuorumAlert.objects.exists()


# --- Starting a group and answering ---------------------------------------------


@pytest.fixture
def alert(area, register):
    for _ in range(4):
        register()
    return QuorumAlert.objects.get()


@pytest.fixture
def forming_group(area):
    return GroupFactory(
        theme=area.theme, contact_point=area.cp, state=Group.State.FORMING, capacity=4
    )


def test_start_group_invites_everyone_once(
    area, alert, forming_group, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitations = services.interest_start_group(
            contact_point_staff_user=area.staff, alert_or_filter=alert, group=forming_group
        )
    assert len(invitations) == 4
    assert InterestRegistration.objects.filter(invited_to=forming_group).count() == 4
    assert len(mail.outbox) == 4
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert_neutral_subjects(area.theme)
    alert.refresh_from_db()
    assert alert.handled_at is not None

    # Again, by filter: nobody is left waiting, nobody is invited twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.interest_start_group(
            contact_point_staff_user=area.staff,
            alert_or_filter=InterestFilter(theme=area.theme, format="in_person", kommune=area.oslo),
            group=forming_group,
        )
    assert again == []
    assert GroupInvitation.objects.count() == 4
    assert len(mail.outbox) == 4


def test_invitation_sent_twice_through_the_outbox_arrives_once(area, alert, forming_group):
    from notifications.models import OutgoingMessage
    from notifications.tasks import send_batch

    invitations = services.interest_start_group(
        contact_point_staff_user=area.staff, alert_or_filter=alert, group=forming_group
    )
    ids = list(
        OutgoingMessage.objects.filter(kind="interest_invitation").values_list("pk", flat=True)
    )
    assert len(ids) == len(invitations)
    mail.outbox.clear()
    send_batch(ids)
    send_batch(ids)
    assert len(mail.outbox) == len(invitations)


def test_only_the_contact_points_staff_can_start(area, alert, forming_group):
    with pytest.raises(DomainError):
        services.interest_start_group(
            contact_point_staff_user=area.staff_far, alert_or_filter=alert, group=forming_group
        )
    other_cp_group = GroupFactory(theme=area.theme, contact_point=ContactPointFactory())
    with pytest.raises(DomainError):
        services.interest_start_group(
            contact_point_staff_user=area.staff, alert_or_filter=alert, group=other_cp_group
        )


def test_accept_joins_and_counts_until_full(area, alert, forming_group):
    invitations = services.interest_start_group(
        contact_point_staff_user=area.staff, alert_or_filter=alert, group=forming_group
    )
    Group.objects.filter(pk=forming_group.pk).update(capacity=3)
    for invitation in invitations[:3]:
        membership = services.interest_invitation_accept(
            invitation=invitation, user=invitation.user
        )
        assert membership.role == Membership.Role.MEMBER
    forming_group.refresh_from_db()
    assert forming_group.member_count == 3
    with pytest.raises(DomainError):
        services.interest_invitation_accept(invitation=invitations[3], user=invitations[3].user)
    with pytest.raises(DomainError):  # answered already
        services.interest_invitation_accept(invitation=invitations[0], user=invitations[0].user)


def test_decline_puts_the_person_back_on_the_list(area, alert, forming_group):
    invitation = services.interest_start_group(
        contact_point_staff_user=area.staff, alert_or_filter=alert, group=forming_group
    )[0]
    services.interest_invitation_decline(invitation=invitation, user=invitation.user)
    registration = InterestRegistration.objects.get(user=invitation.user)
    assert registration.invited_to is None
    assert registration.status == "waiting"


def test_quick_create_makes_a_forming_group(area):
    group = services.interest_group_create_forming(
        contact_point_staff_user=area.staff,
        contact_point=area.cp,
        theme=area.theme,
        format="in_person",
        kommune=area.near,
        name="Onsdagsgruppa",
        weekday=2,
        start_time=datetime.time(18, 30),
    )
    assert group.state == Group.State.FORMING
    assert (group.latitude, group.kommune) == (area.near.latitude, area.near)


# --- Expiry -------------------------------------------------------------------


def test_expiry_reminder_is_sent_once(area, register, django_capture_on_commit_callbacks):
    registration = register()
    mail.outbox.clear()
    soon = registration.expires_at - datetime.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.interest_send_expiry_reminders(now=soon - datetime.timedelta(days=30)) == 0
    assert mail.outbox == []

    with mock.patch("django.utils.timezone.now", return_value=soon):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                services.interest_send_expiry_reminders()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [registration.user.email]
    assert_neutral_subjects(area.theme)
    assert area.theme.name_nb not in mail.outbox[0].body
    registration.refresh_from_db()
    assert registration.reminded_at == soon


def test_expire_takes_registrations_off_the_list(area, register):
    registration = register()
    assert services.interest_expire(now=registration.expires_at - datetime.timedelta(hours=1)) == 0
    assert services.interest_expire(now=registration.expires_at) == 1
    registration.refresh_from_db()
    assert registration.withdrawn_at == registration.expires_at
    assert registration.status == "expired"
    register(user=registration.user)  # may register again


def test_an_expired_registration_not_yet_swept_does_not_block(area, register):
    registration = register()
    InterestRegistration.objects.filter(pk=registration.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    again = register(user=registration.user)
    registration.refresh_from_db()
    assert registration.status == "expired"
    assert again.status == "waiting"
