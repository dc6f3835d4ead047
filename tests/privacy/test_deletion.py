"""Deleting an account leaves nothing that names the person, anywhere.

``rich_user`` touches every model that can hold something about a person;
after deletion, every text column of every installed model (and every
session, decoded) is searched for their e-mail addresses, phone number and
display name. The search walks ``apps.get_models()``, so a model added later
is searched too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from accounts.models import User
from core.models import AuditEvent
from core.services import DomainError, audit
from core.signals import identifier_digest
from decisions.models import Answer, Proposal
from directory.models import ChangeReport
from groups.models import Group, GroupInvitation, HostTurn, Membership
from interest.models import InterestRegistration
from joining import services as joining
from joining.models import GroupNotice, JoinRequest, WaitingListEntry
from meetings.models import Absence, CalendarFeed, Meeting, ReminderOptOut, ReminderPreference
from notifications.models import BouncedAddress, OutgoingMessage
from notifications.services import enqueue
from organisations.models import StaffInvitation, StaffRole
from pledges.models import PledgeSignature
from pledges.services import pledge_current, pledge_sign
from privacy.deletion import account_delete
from privacy.forms import AccountDeleteForm
from tests.conftest import login
from tests.factories import (
    ContactPointFactory,
    GroupFactory,
    MembershipFactory,
    StaffRoleFactory,
    SupportRequestFactory,
    ThemeFactory,
    UserFactory,
    current_pledge,
    give_totp,
    signed,
)

EMAIL = "vilja.sletteberg@example.net"
SECOND_EMAIL = "Vilja.Privat@Example.com"
PHONE = "+4791827364"
NAME = "Vilja Sletteberg"


@dataclass
class Rich:
    user: User
    self_run: Group  # the user and others are members
    last_one: Group  # self-run, the user is the only member left
    starting: Group  # the user is the only initiator; two members
    forming_initiated: Group  # forming, the user is the initiator, no one else
    full: Group  # the user waits for a seat
    other: User  # a fellow member who stays
    about_request: OutgoingMessage  # to ``other``, about the person's join request


def _meeting(group: Group, days: int) -> Meeting:
    start = timezone.now() + datetime.timedelta(days=days)
    return Meeting.objects.create(
        group=group, occurrence=start, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )


def build_rich_user(client: Client) -> Rich:
    current_pledge()
    cp = ContactPointFactory()
    theme = ThemeFactory()
    user = UserFactory(email=EMAIL, display_name=NAME, phone=PHONE)  # verified, primary
    EmailAddress.objects.create(user=user, email=SECOND_EMAIL, verified=False, primary=False)
    give_totp(user)
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={})
    other = UserFactory(display_name="Torstein Blir")

    def group(state: str, **extra: Any) -> Group:
        return GroupFactory(contact_point=cp, theme=theme, state=state, **extra)

    # A self-run group: member through the service, signed, hosting, absent, consenting.
    self_run = group(Group.State.SELF_RUN, admission=Group.Admission.CLOSED)
    signed(MembershipFactory(group=self_run, user=other))
    Group.objects.filter(pk=self_run.pk).update(member_count=1)
    mine = joining.membership_add(group=self_run, user=user)
    pledge = pledge_current()
    assert pledge is not None
    pledge_sign(membership=mine, pledge_version=pledge.version, lines_revision=0, typed_name=NAME)
    mine.hosts = True
    mine.save(update_fields=["hosts"])
    HostTurn.objects.create(group=self_run, week=datetime.date(2026, 11, 23), membership=mine)
    Group.objects.filter(pk=self_run.pk).update(contact_person=mine)
    Absence.objects.create(meeting=_meeting(self_run, 3), membership=mine)
    ReminderOptOut.objects.create(membership=mine)
    seeker = UserFactory()
    consent = Proposal.objects.create(
        group=self_run,
        kind=Proposal.Kind.ADMIT,
        deadline=timezone.now() + datetime.timedelta(days=7),
    )
    JoinRequest.objects.create(
        group=self_run, user=seeker, decider=JoinRequest.Decider.ALL_MEMBERS, consent=consent
    )
    Answer.objects.create(proposal=consent, membership=mine, agrees=True)
    # A proposal of theirs to the group, and an objection to another one, naming them.
    Proposal.objects.create(
        group=self_run,
        kind=Proposal.Kind.PAUSE,
        proposed_by=mine,
        note=f"{NAME} trenger sommerferie",
        deadline=timezone.now() + datetime.timedelta(days=7),
    )
    others_proposal = Proposal.objects.create(
        group=self_run,
        kind=Proposal.Kind.CLOSE,
        proposed_by=self_run.memberships.get(user=other),
        deadline=timezone.now() + datetime.timedelta(days=7),
    )
    Answer.objects.create(
        proposal=others_proposal, membership=mine, agrees=False, note=f"Ring {PHONE}"
    )
    # On the group's board: a post of theirs naming them, one by the other member.
    from board import services as board

    board.post_create(membership=mine, body=f"Hilsen {NAME}, ring meg på {PHONE}")
    board.board_visit(membership=mine)
    board.post_create(membership=self_run.memberships.get(user=other), body="Vi ses!")

    # The last member of a self-run group.
    last_one = group(Group.State.SELF_RUN)
    joining.membership_add(group=last_one, user=user)

    # The only initiator of a starting group with members.
    starting = group(Group.State.STARTING)
    MembershipFactory(group=starting, user=user, role=Membership.Role.INITIATOR)
    signed(MembershipFactory(group=starting, user=other))
    Group.objects.filter(pk=starting.pk).update(member_count=1, created_by=user)

    forming = group(Group.State.FORMING)
    MembershipFactory(group=forming, user=user, role=Membership.Role.INITIATOR)

    # A pending request with a message that names the person.
    open_group = group(Group.State.FORMING)
    JoinRequest.objects.create(
        group=open_group,
        user=user,
        message=f"Hei, jeg heter {NAME}, ring meg på {PHONE}",
        decider=JoinRequest.Decider.INITIATOR,
    )
    # A full group: on the waiting list.
    full = group(Group.State.SELF_RUN, capacity=2)
    for _ in range(2):
        MembershipFactory(group=full)
    Group.objects.filter(pk=full.pk).update(member_count=2)
    WaitingListEntry.objects.create(group=full, user=user)

    InterestRegistration.objects.create(
        user=user, theme=theme, format=Group.Format.DIGITAL, kommune=None
    )
    GroupInvitation.objects.create(group=open_group, user=user)
    SupportRequestFactory(group=self_run, author=user)
    # A report of a change, with the second address given for an answer.
    ChangeReport.objects.create(contact_point=cp, message="Nytt nummer", reply_email=SECOND_EMAIL)
    CalendarFeed.objects.create(user=user, token="feed-token-vilja-0123456789")

    StaffRoleFactory(user=user, contact_point=cp)
    # Rows of other people that point at the person: they stay, the link goes.
    StaffRoleFactory(user=other, contact_point=cp, granted_by=user)
    StaffInvitation.objects.create(
        email="ny.frivillig@example.org",
        kind=StaffInvitation.Kind.INITIATOR,
        contact_point=cp,
        token="tok-v2",
        invited_by=user,
    )
    JoinRequest.objects.create(
        group=starting,
        user=UserFactory(),
        decider=JoinRequest.Decider.INITIATOR,
        status=JoinRequest.Status.DECLINED,
        decided_by=user,
    )
    answered = SupportRequestFactory(group=starting, author=other)
    answered.answered_by = user
    answered.answer = "Vi tar kontakt."
    answered.save()
    StaffInvitation.objects.create(
        email=SECOND_EMAIL, kind=StaffInvitation.Kind.INITIATOR, contact_point=cp, token="tok-v1"
    )
    enqueue(key=f"test:u={user.pk}", kind="reminder", recipient=user)
    about_request = enqueue(
        key="test:about-request",
        kind="join_request",
        recipient=other,
        params={"join_request": JoinRequest.objects.get(user=user).pk},
    )
    ReminderPreference.objects.create(user=user, lead_hours=6, channel="sms")
    enqueue(key="test:address", kind="staff_invitation", address=SECOND_EMAIL)
    enqueue(key="test:sms", kind="reminder", address=PHONE, channel=OutgoingMessage.Channel.SMS)
    audit(
        actor=user,
        event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED,
        target=user,
        data={"fields": ["phone"]},
    )
    Client().post(reverse("account_login"), {"login": SECOND_EMAIL, "password": "feil passord"})
    failed = AuditEvent.objects.get(event=AuditEvent.Event.ACCOUNT_LOGIN_FAILED)
    assert failed.data["identifier"] == identifier_digest(SECOND_EMAIL)
    LogEntry.objects.log_actions(
        user_id=UserFactory(is_staff=True).pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message="changed",
        single_object=True,
    )

    # Two sessions: this browser, and a login-by-code in another one.
    reauthenticated(login(client, user))
    # After the login: a login tells the person about bounced addresses.
    BouncedAddress.objects.create(address=SECOND_EMAIL.lower(), channel="email", user=user)
    BouncedAddress.objects.create(address=PHONE, channel="sms")
    stray = Client()
    session = stray.session
    session["account_login_code"] = {"email": SECOND_EMAIL}
    session.save()
    assert about_request is not None
    return Rich(user, self_run, last_one, starting, forming, full, other, about_request)


def confirm_word() -> str:
    """The word the deletion page asks for, in the language pages default to."""
    with translation.override("nb"):
        return AccountDeleteForm.expected_word()


def reauthenticated(client: Client, *, seconds_ago: float = 0) -> Client:
    """Mark the session as freshly reauthenticated, as allauth does after the password step."""
    session = client.session
    for record in session["account_authentication_methods"]:
        record["reauthenticated"] = True
        record["at"] -= seconds_ago
    session.save()
    return client


def text_fields(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def hits(needles: list[str]) -> list[str]:
    """Every place in the database where one of ``needles`` occurs."""
    lowered = [n.lower() for n in needles]
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = text_fields(model)
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *fields):
            for name, value in zip(fields, row[1:], strict=True):
                text = str(value).lower() if value is not None else ""
                found += [
                    f"{model._meta.label}.{name} #{row[0]}: {needle}"
                    for needle in lowered
                    if needle in text
                ]
    for session in Session.objects.all():
        text = repr(session.get_decoded()).lower()
        found += [f"session {session.pk}: {n}" for n in lowered if n in text]
    return found


NEEDLES = [EMAIL, SECOND_EMAIL, PHONE, PHONE.removeprefix("+47"), NAME]


@pytest.mark.django_db
def test_rich_user_leaves_no_trace():
    client = Client()
    rich = build_rich_user(client)
    user_id = rich.user.pk
    assert len(hits(NEEDLES)) >= 15  # the search does find them while they are there
    membership_ids = set(Membership.objects.filter(user=rich.user).values_list("pk", flat=True))

    response = client.post(reverse("privacy:account_delete"), {"confirm": confirm_word()})

    assert response.status_code == 302
    assert hits(NEEDLES) == []
    assert not User.objects.filter(pk=user_id).exists()
    for model in (
        Membership,
        JoinRequest,
        WaitingListEntry,
        InterestRegistration,
        GroupInvitation,
        CalendarFeed,
        StaffRole,
        EmailAddress,
        Authenticator,
    ):
        assert not model._base_manager.filter(user_id=user_id).exists(), model
    assert not PledgeSignature.objects.filter(membership_id__in=membership_ids).exists()
    assert not Absence.objects.filter(membership_id__in=membership_ids).exists()
    assert not Answer.objects.filter(membership_id__in=membership_ids).exists()
    # The group keeps its record of the proposal, not who made it or why.
    kept = Proposal.objects.get(kind=Proposal.Kind.PAUSE)
    assert (kept.proposed_by_id, kept.note) == (None, "")
    assert not OutgoingMessage.objects.filter(recipient_id=user_id).exists()
    assert list(StaffInvitation.objects.values_list("email", "invited_by")) == [
        ("ny.frivillig@example.org", None)
    ]
    assert StaffRole.objects.get(user=rich.other).granted_by is None
    assert JoinRequest.objects.get(status="declined").decided_by is None
    assert not BouncedAddress.objects.exists()
    rich.about_request.refresh_from_db()
    assert rich.about_request.status == OutgoingMessage.Status.CANCELLED
    assert not ReminderPreference.objects.filter(user_id=user_id).exists()
    assert not ReminderOptOut.objects.filter(membership_id__in=membership_ids).exists()
    from board.models import Post, Reader

    assert not Post.objects.filter(membership_id__in=membership_ids).exists()
    assert not Reader.objects.filter(membership_id__in=membership_ids).exists()
    assert list(Post.objects.values_list("body", flat=True)) == ["Vi ses!"]
    assert not AuditEvent.objects.filter(actor_id=user_id).exists()
    assert not AuditEvent.objects.filter(
        target_type="accounts.user", target_id=str(user_id)
    ).exists()
    assert not AuditEvent.objects.filter(
        target_type="groups.membership", target_id__in=[str(i) for i in membership_ids]
    ).exists()
    assert not LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user_id)
    ).exists()
    signed_event = AuditEvent.objects.get(event=AuditEvent.Event.PLEDGE_SIGNED)
    assert signed_event.data["membership"] is None
    assert signed_event.data["group"] == rich.self_run.pk  # the group's own history stays
    assert not any(e.data.get("membership") in membership_ids for e in AuditEvent.objects.all())
    assert AuditEvent.objects.get(event=AuditEvent.Event.ACCOUNT_LOGIN_FAILED).data == {}
    deleted = AuditEvent.objects.get(event=AuditEvent.Event.ACCOUNT_DELETED)
    assert (deleted.actor_id, deleted.target_id, deleted.data) == (None, "", {})

    # Groups keep numbers only, and stay consistent.
    for group in Group.objects.all():
        members = group.memberships.active().filter(role=Membership.Role.MEMBER).count()
        assert group.member_count == members, group.slug
    rich.self_run.refresh_from_db()
    assert rich.self_run.state == Group.State.SELF_RUN
    assert rich.self_run.contact_person_id is None
    assert GroupNotice.objects.filter(
        group=rich.self_run, kind=GroupNotice.Kind.LEFT, membership=None
    ).exists()
    rich.last_one.refresh_from_db()
    assert rich.last_one.state == Group.State.ENDED
    rich.starting.refresh_from_db()
    # Not ready to run itself (one member, no meeting held): it stays starting,
    # without an initiator, and its contact point's follow-up list flags it.
    assert rich.starting.state == Group.State.STARTING
    assert not rich.starting.memberships.active().filter(role=Membership.Role.INITIATOR).exists()
    assert rich.starting.created_by_id is None
    rich.forming_initiated.refresh_from_db()
    assert rich.forming_initiated.state == Group.State.FORMING  # the contact point steers

    # Logged out: the profile asks for a login again.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert rich.other.memberships.active().count() == 2


@pytest.mark.django_db
def test_deleting_twice_does_nothing_the_second_time():
    user = UserFactory()
    assert account_delete(user_id=user.pk) is True
    assert account_delete(user_id=user.pk) is False
    assert AuditEvent.objects.filter(event=AuditEvent.Event.ACCOUNT_DELETED).count() == 1


@pytest.mark.django_db
def test_deletion_is_all_or_nothing(monkeypatch):
    user = UserFactory(display_name="Halvor Halvveis")
    group = GroupFactory(state=Group.State.SELF_RUN)
    MembershipFactory(group=group)
    joining.membership_add(group=group, user=user)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("accounts.personal_data.delete_sessions", broken)
    with pytest.raises(RuntimeError):
        account_delete(user_id=user.pk)
    user.refresh_from_db()
    assert user.memberships.active().count() == 1
    group.refresh_from_db()
    assert group.member_count == 1


@pytest.mark.django_db
def test_the_only_national_admin_is_refused(roles):
    admin = roles.user("national_admin")
    with pytest.raises(DomainError):
        account_delete(user_id=admin.pk)
    assert User.objects.filter(pk=admin.pk).exists()
    StaffRoleFactory(
        user=UserFactory(), kind=StaffRole.Kind.NATIONAL_ADMIN, contact_point=None, district=None
    )
    assert account_delete(user_id=admin.pk) is True


@pytest.mark.django_db
def test_the_page_asks_for_the_word_and_keeps_the_account_without_it(role_client, roles):
    client = reauthenticated(role_client("member"))
    page = client.get(reverse("privacy:account_delete"))
    assert page.status_code == 200
    response = client.post(reverse("privacy:account_delete"), {"confirm": "kanskje"})
    assert response.status_code == 200
    assert confirm_word() in response.content.decode()
    assert User.objects.filter(pk=roles.user("member").pk).exists()


@pytest.mark.django_db
def test_deletion_needs_a_recent_login(roles):
    client = reauthenticated(login(Client(), roles.user("member")), seconds_ago=3600)
    response = client.post(reverse("privacy:account_delete"), {"confirm": confirm_word()})
    assert response.status_code == 302
    assert "/reauthenticate/" in response["Location"]
    assert User.objects.filter(pk=roles.user("member").pk).exists()
    # A fresh login alone is not enough: deleting asks for the password again.
    response = login(Client(), roles.user("member")).post(
        reverse("privacy:account_delete"), {"confirm": confirm_word()}
    )
    assert "/reauthenticate/" in response["Location"]


@pytest.mark.django_db
def test_the_only_national_admin_sees_why_on_the_page(role_client, roles):
    client = reauthenticated(role_client("national_admin"))
    response = client.post(reverse("privacy:account_delete"), {"confirm": confirm_word()})
    assert response.status_code == 200
    with translation.override("nb"):
        why = gettext(
            "You are the only national administrator. Give the role to someone else "
            "before you delete your account."
        )
    assert escape(why) in response.content.decode()
    assert User.objects.filter(pk=roles.user("national_admin").pk).exists()
