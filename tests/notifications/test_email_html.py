"""The HTML part of every kind of e-mail is valid HTML, in Bokmål and English.

Each registered renderer gets a message about real rows (a meeting, a join
request, an interest registration, …) and its HTML goes to the Nu HTML
Checker, the same as the pages of the browser tests.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation

from decisions.models import Proposal
from directory.models import ChangeReport
from groups.models import Group, GroupInvitation, Membership
from interest.models import InterestRegistration, QuorumAlert
from joining.models import JoinRequest, WaitingListEntry
from notifications import registry
from notifications.models import OutgoingMessage
from organisations.models import StaffInvitation, StaffRole
from tests.factories import (
    DistrictFactory,
    GroupFactory,
    MembershipFactory,
    StaffRoleFactory,
    SupportRequestFactory,
    UserFactory,
)
from tests.nu_checker import describe_errors, run_checker

from .conftest import make_meeting

pytestmark = pytest.mark.django_db

# A Wednesday; the digest is about the week before.
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))


def one_message_per_kind() -> list[OutgoingMessage]:
    group = GroupFactory(state=Group.State.STARTING)
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR).user
    member = MembershipFactory(group=group, user=UserFactory(display_name="Sol & <Måne>")).user
    seeker = UserFactory()
    meeting = make_meeting(group, starts_in=datetime.timedelta(hours=20))
    cancelled = make_meeting(group, starts_in=datetime.timedelta(days=3))
    cancelled.cancelled_at = timezone.now()
    cancelled.save()
    join_request = JoinRequest.objects.create(
        group=group, user=seeker, decider=JoinRequest.Decider.INITIATOR
    )
    entry = WaitingListEntry.objects.create(
        group=group,
        user=seeker,
        status=WaitingListEntry.Status.OFFERED,
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    alert = QuorumAlert.objects.create(
        key="html",
        contact_point=group.contact_point,
        theme=group.theme,
        format="in_person",
        kommune=group.kommune,
        count_at_alert=4,
    )
    invitation = GroupInvitation.objects.create(group=group, user=seeker)
    registration = InterestRegistration.objects.create(
        user=seeker,
        theme=group.theme,
        format="in_person",
        kommune=group.kommune,
        expires_at=timezone.now() + datetime.timedelta(days=10),
    )
    support_request = SupportRequestFactory(group=group, author=member)
    report = ChangeReport.objects.create(
        contact_point=group.contact_point, group=group, message="Nytt telefonnummer"
    )
    staff_invitation = StaffInvitation.objects.create(
        email="ny@example.org",
        kind=StaffInvitation.Kind.INITIATOR,
        contact_point=group.contact_point,
        token="html-invitasjon",
    )
    member_membership = group.memberships.get(user=member)
    from board.models import Post

    # Something new on the board for the member: the initiator's post.
    Post.objects.create(
        group=group, membership=group.memberships.get(user=initiator), body="Kaffe på torsdag"
    )
    declined = JoinRequest.objects.create(
        group=group,
        user=seeker,
        decider=JoinRequest.Decider.INITIATOR,
        status=JoinRequest.Status.DECLINED,
    )
    lapsed = WaitingListEntry.objects.create(
        group=group,
        user=seeker,
        status=WaitingListEntry.Status.EXPIRED,
        offered_at=timezone.now(),
        offer_expires_at=timezone.now(),
    )
    self_run = GroupFactory(state=Group.State.SELF_RUN)
    asking = Proposal.objects.create(
        group=self_run,
        kind=Proposal.Kind.PAUSE,
        deadline=timezone.now() + datetime.timedelta(days=7),
    )
    decided = Proposal.objects.create(
        group=self_run,
        kind=Proposal.Kind.END,
        status=Proposal.Status.PASSED,
        deadline=timezone.now(),
        decided_at=timezone.now(),
    )
    district = DistrictFactory()
    district_staff = StaffRoleFactory(
        kind=StaffRole.Kind.DISTRICT_STAFF, district=district, contact_point=None
    ).user

    def message(kind: str, recipient=None, **params: int | str) -> OutgoingMessage:
        return OutgoingMessage(
            key=kind,
            kind=kind,
            recipient=recipient,
            address="" if recipient else "kp@example.org",
            params=params,
        )

    return [
        message("meeting_reminder", member, meeting=meeting.pk),
        message("meeting_moved", member, meeting=meeting.pk),
        message("meeting_cancelled", member, meeting=cancelled.pk),
        message("join_request", initiator, join_request=join_request.pk),
        message("seat_offer", seeker, entry=entry.pk),
        message("join_welcome", member, membership=member_membership.pk),
        message("join_not_this_time", seeker, join_request=declined.pk),
        message("seat_lapsed", seeker, entry=lapsed.pk),
        message("proposal", member, proposal=asking.pk),
        message("proposal_outcome", member, proposal=decided.pk),
        message("quorum_alert", alert=alert.pk),
        message("interest_invitation", seeker, invitation=invitation.pk),
        message("interest_expiry", seeker, registration=registration.pk),
        message("support_request", support_request=support_request.pk),
        message("step_back_nudge", initiator, group=group.pk),
        message("staff_invitation", invitation=staff_invitation.pk),
        message("district_digest", district_staff, week="2026-W47", districts=str(district.pk)),
        message("change_report", report=report.pk),
        message("board_post", member, membership=member_membership.pk, visits=0),
    ]


@time_machine.travel(NOW, tick=False)
def test_the_html_of_every_kind_of_email_is_valid(tmp_path: Path):
    messages = one_message_per_kind()
    # A kind added later needs a message here.
    assert sorted(m.kind for m in messages) == registry.kinds()
    for language in ("nb", "nn", "en"):
        for message in messages:
            if message.recipient is not None:
                message.recipient.language = language  # the digest reads it
            with translation.override(language):
                rendered = registry.renderer_for(message.kind)(message)
            assert rendered is not None, message.kind
            assert f'<html lang="{language}">' in rendered.html, message.kind
            assert "<Måne>" not in rendered.html, message.kind  # names are text, not markup
            (tmp_path / f"{language}.{message.kind}.html").write_text(
                rendered.html, encoding="utf-8"
            )

    errors = [m for m in run_checker(tmp_path) if m.is_error]
    assert not errors, f"{len(errors)} errors in e-mails:\n" + describe_errors(
        errors, lambda filename: filename.removesuffix(".html")
    )
