"""No message names a group, its theme or its description where others may see it.

Every kind of message is caused (through the services where they exist) for
a group whose name, theme and description are known, sent by e-mail and SMS,
and the subjects, SMS texts, outbox params, Celery task arguments and every
captured log line are searched for those words.
"""

from __future__ import annotations

import datetime
import json
import logging
import secrets

import pytest
from django.core import mail
from django.utils import timezone

from groups.models import Group, GroupInvitation, Membership
from interest.models import InterestRegistration, QuorumAlert
from joining.models import JoinRequest, WaitingListEntry
from meetings.models import ReminderPreference
from meetings.reminders import reminder_scan
from notifications import registry, services, tasks
from notifications.models import OutgoingMessage
from organisations.models import StaffInvitation
from tests.factories import (
    ContactPointFactory,
    GroupFactory,
    MembershipFactory,
    ThemeFactory,
    UserFactory,
)

from .conftest import make_meeting

# Every kind this test causes; kinds registered by other apps have tests of their own.
KINDS = {
    "meeting_reminder",
    "meeting_cancelled",
    "meeting_moved",
    "join_request",
    "seat_offer",
    "quorum_alert",
    "interest_invitation",
    "interest_expiry",
    "support_request",
    "step_back_nudge",
    "staff_invitation",
    "proposal",
    "proposal_outcome",
    "join_welcome",
    "join_not_this_time",
    "seat_lapsed",
}


@pytest.fixture
def secret_group(db):
    theme = ThemeFactory(
        name_nb="Spiseforstyrrelser", name_nn="Eteforstyrringar", name_en="Eating disorders"
    )
    cp = ContactPointFactory(public_email="kp@example.org")
    group = GroupFactory(
        theme=theme,
        contact_point=cp,
        state=Group.State.STARTING,
        name="Onsdagsgruppa Lysglimt",
        description="Vi som lever med bulimi møtes her.",
    )
    return group


def forbidden_words(group: Group) -> list[str]:
    theme = group.theme
    names = (theme.name_nb, theme.name_nn, theme.name_en, group.name, group.description)
    return [w for w in names if w] + [group.slug]


def test_outbox_params_refuse_free_text(db):
    with pytest.raises(ValueError):
        services.enqueue(
            key="x",
            kind="seat_offer",
            address="a@example.org",
            params={"note": "Spiseforstyrrelser hos oss"},
        )


def test_no_kind_names_the_group_in_subject_sms_params_task_args_or_logs(
    secret_group, caplog, monkeypatch, sms_outbox, django_capture_on_commit_callbacks
):
    group = secret_group
    caplog.set_level(logging.DEBUG)
    task_args: list[str] = []
    original_delay = tasks.send_batch.delay

    def spy(*args, **kwargs):
        task_args.append(json.dumps([args, kwargs]))
        return original_delay(*args, **kwargs)

    monkeypatch.setattr(tasks.send_batch, "delay", spy)

    initiator = UserFactory(phone="98765432", phone_verified=True, language="nn")
    member = UserFactory(phone="41234567", phone_verified=True, language="en")
    staff = UserFactory()
    for user in (initiator, member):
        ReminderPreference.objects.create(user=user, channel="both")
    MembershipFactory(group=group, user=initiator, role=Membership.Role.INITIATOR)
    MembershipFactory(group=group, user=member)
    from organisations.models import StaffRole

    StaffRole.objects.create(
        user=staff, kind=StaffRole.Kind.CONTACT_POINT_STAFF, contact_point=group.contact_point
    )
    meeting = make_meeting(group, starts_in=datetime.timedelta(hours=20))
    cancelled = make_meeting(group, starts_in=datetime.timedelta(days=3))
    cancelled.cancelled_at = timezone.now()
    cancelled.save()

    with django_capture_on_commit_callbacks(execute=True):
        reminder_scan()
        for kind, m in (("meeting_moved", meeting), ("meeting_cancelled", cancelled)):
            for user in (initiator, member):
                for channel in ("email", "sms"):
                    services.enqueue(
                        key=f"{kind}:m={m.pk}:u={user.pk}:{channel}",
                        kind=kind,
                        recipient=user,
                        channel=channel,
                        params={"meeting": m.pk},
                    )
        from groups.services import support_request_create
        from interest.services import _enqueue_quorum_alert
        from joining.services import _enqueue_join_request

        seeker = UserFactory()
        join_request = JoinRequest.objects.create(
            group=group, user=seeker, decider=JoinRequest.Decider.INITIATOR
        )
        _enqueue_join_request(join_request)
        entry = WaitingListEntry.objects.create(
            group=group,
            user=seeker,
            status=WaitingListEntry.Status.OFFERED,
            offered_at=timezone.now(),
            offer_expires_at=timezone.now() + datetime.timedelta(days=3),
        )
        services.enqueue(
            key=f"seat_offer:e={entry.pk}",
            kind="seat_offer",
            recipient=seeker,
            params={"entry": entry.pk},
        )
        alert = QuorumAlert.objects.create(
            key="k",
            contact_point=group.contact_point,
            theme=group.theme,
            format="in_person",
            kommune=group.kommune,
            count_at_alert=4,
        )
        _enqueue_quorum_alert(alert)
        invitation = GroupInvitation.objects.create(group=group, user=seeker, invited_by=staff)
        services.enqueue(
            key=f"interest_invitation:i={invitation.pk}",
            kind="interest_invitation",
            recipient=seeker,
            params={"invitation": invitation.pk},
        )
        registration = InterestRegistration.objects.create(
            user=seeker,
            theme=group.theme,
            format="in_person",
            kommune=group.kommune,
            expires_at=timezone.now() + datetime.timedelta(days=10),
        )
        services.enqueue(
            key=f"interest_expiry:r={registration.pk}",
            kind="interest_expiry",
            recipient=seeker,
            params={"registration": registration.pk},
        )
        support_request_create(group=group, author=member, message="Vi trenger hjelp")
        Membership.objects.filter(role=Membership.Role.INITIATOR).update(
            status=Membership.Status.ACTIVE
        )
        services.enqueue(
            key=f"step_back_nudge:g={group.pk}:u={initiator.pk}",
            kind="step_back_nudge",
            recipient=initiator,
            params={"group": group.pk},
        )
        staff_invitation = StaffInvitation.objects.create(
            email="ny@example.org",
            kind=StaffInvitation.Kind.INITIATOR,
            contact_point=group.contact_point,
            invited_by=staff,
            token=secrets.token_urlsafe(16),
        )
        services.enqueue(
            key=f"staff_invitation:i={staff_invitation.pk}",
            kind="staff_invitation",
            address=staff_invitation.email,
            params={"invitation": staff_invitation.pk},
        )
        # The seeker is told how requests and seats ended.
        from joining.services import (
            join_request_answer,
            join_request_create,
            waiting_list_expire_offers,
        )

        for agrees in (True, False):
            asked = join_request_create(group=group, user=UserFactory())
            join_request_answer(join_request=asked, user=initiator, agrees=agrees)
        WaitingListEntry.objects.create(
            group=group,
            user=UserFactory(),
            status=WaitingListEntry.Status.OFFERED,
            offered_at=timezone.now(),
            offer_expires_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        waiting_list_expire_offers()
        # A self-run group with the same name, theme and description decides together.
        from decisions.services import proposal_create, proposal_withdraw

        twin = GroupFactory(
            theme=group.theme,
            contact_point=group.contact_point,
            state=Group.State.SELF_RUN,
            name=group.name,
            description=group.description,
        )
        proposer = MembershipFactory(
            group=twin, user=UserFactory(phone="41234568", phone_verified=True)
        )
        MembershipFactory(group=twin, user=UserFactory(phone="41234569", phone_verified=True))
        proposal_create(group=twin, user=proposer.user, kind="pause", note=group.theme.name_nb)
        ended = proposal_create(group=twin, user=proposer.user, kind="end")
        proposal_withdraw(proposal=ended, user=proposer.user)
        tasks.dispatch()

    rows = list(OutgoingMessage.objects.all())
    sent_kinds = {r.kind for r in rows if r.status == OutgoingMessage.Status.SENT}
    assert sent_kinds == KINDS, {r.key: (r.status, r.last_error) for r in rows}
    assert set(registry.kinds()) >= KINDS
    assert {r.kind for r in rows if r.channel == "sms" and r.status == "sent"} >= {
        "meeting_reminder",
        "meeting_moved",
        "meeting_cancelled",
    }
    exposed = {
        "subjects": [m.subject for m in mail.outbox],
        "sms": [s["text"] for s in sms_outbox],
        "params and keys": [json.dumps(r.params) + r.key for r in rows],
        "task arguments": task_args,
        "logs": [r.getMessage() for r in caplog.records if not r.name.startswith("factory")],
    }
    assert exposed["subjects"] and exposed["sms"] and exposed["task arguments"]
    for where, texts in exposed.items():
        for text in texts:
            for word in forbidden_words(group):
                assert word.lower() not in text.lower(), f"{word!r} in {where}: {text!r}"
    # Links in bodies and texts name a group's inside by its token, never its slug.
    bodies = [m.body for m in mail.outbox] + [
        str(content) for m in mail.outbox for content, _type in getattr(m, "alternatives", [])
    ]
    for text in bodies + exposed["sms"]:
        for g in (group, twin):
            assert f"/grupper/{g.slug}/inne/" not in text, text
    assert any(f"/inne/{group.inside_token}/" in text for text in bodies)
    assert any(f"/inne/{twin.inside_token}/" in text for text in bodies)
    # Member-facing bodies stay neutral too (staff alerts may name the theme).
    for message in mail.outbox:
        if message.to != ["kp@example.org"] and message.to != [staff.email]:
            assert group.name not in message.body
            assert group.theme.name_nb not in message.body
