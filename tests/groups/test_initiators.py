"""No dead ends from demand to a running group: every group can get its initiators.

Contact-point staff take the role themselves or invite a volunteer by e-mail
(the staff invitation flow); an initiator invites a co-initiator or hands the
role over; the initiators share a guide to the first meetings.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from core.services import DomainError
from groups import services
from groups.models import Group, InitiatorInvitation, Membership, StartChecklistTick
from groups.starting_guide import ITEM_KEYS, MEETINGS
from organisations.invitations import staff_invitation_accept
from organisations.models import StaffInvitation, StaffRole
from tests.conftest import login
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    StaffRoleFactory,
    UserFactory,
    give_totp,
)

pytestmark = pytest.mark.django_db
State = Group.State


@pytest.fixture
def forming_from_the_list():
    """A group a contact point made from its interest list: forming, nobody guiding it."""
    group = GroupFactory(state=State.FORMING)
    staff = StaffRoleFactory(contact_point=group.contact_point).user
    return group, staff


def accept(invitation: InitiatorInvitation, email: str | None = None) -> Membership:
    staff_invitation = invitation.staff_invitation
    user = UserFactory(email=email or staff_invitation.email)
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    staff_invitation_accept(invitation_id=staff_invitation.pk, user=user)
    return Membership.objects.active().get(group=invitation.group, user=user)


def initiators(group: Group) -> int:
    return group.memberships.active().filter(role=Membership.Role.INITIATOR).count()


def test_staff_take_the_role_themselves(forming_from_the_list):
    group, staff = forming_from_the_list
    membership = services.initiator_add_self(group=group, user=staff)
    assert membership.role == Membership.Role.INITIATOR
    with pytest.raises(DomainError) as error:
        services.initiator_add_self(group=group, user=staff)
    assert error.value.code == "duplicate"
    assert initiators(group) == 1
    assert AuditEvent.objects.filter(event=AuditEvent.Event.GROUP_INITIATOR_ADDED).count() == 1


def test_staff_invite_a_volunteer_who_becomes_the_initiator_on_accepting(forming_from_the_list):
    group, staff = forming_from_the_list
    invitation = services.initiator_invite(
        group=group, inviter=staff, email="frivillig@example.org"
    )
    assert invitation.staff_invitation.kind == StaffInvitation.Kind.INITIATOR
    assert invitation.staff_invitation.contact_point == group.contact_point
    membership = accept(invitation)
    assert membership.role == Membership.Role.INITIATOR
    assert StaffRole.objects.filter(
        user=membership.user, kind=StaffRole.Kind.INITIATOR, contact_point=group.contact_point
    ).exists()
    # Now the first meetings can start.
    from groups import lifecycle

    lifecycle.group_transition(group=group, action="start", actor=membership.user)
    group.refresh_from_db()
    assert group.state == State.STARTING


def test_two_initiators_and_a_hand_over():
    group = GroupFactory(state=State.STARTING)
    first = MembershipFactory(group=group, role=Membership.Role.INITIATOR)
    co = accept(services.initiator_invite(group=group, inviter=first.user, email="co@example.org"))
    assert initiators(group) == 2
    handing = services.initiator_invite(
        group=group, inviter=co.user, email="ny@example.org", hand_over=True
    )
    assert handing.hands_over == co
    successor = accept(handing)
    co.refresh_from_db()
    assert co.status == Membership.Status.LEFT
    assert successor.role == Membership.Role.INITIATOR
    assert initiators(group) == 2
    handed = AuditEvent.objects.get(event=AuditEvent.Event.GROUP_INITIATOR_HANDED_OVER)
    assert handed.data == {"from": co.pk, "to": successor.pk}


def test_who_may_invite(forming_from_the_list):
    group, staff = forming_from_the_list
    member = MembershipFactory(group=group).user
    other_staff = StaffRoleFactory().user
    for outsider in (member, other_staff, UserFactory()):
        with pytest.raises(DomainError) as error:
            services.initiator_invite(group=group, inviter=outsider, email="x@example.org")
        assert error.value.code == "forbidden"
    # Staff invite, but only an initiator hands their own role over.
    with pytest.raises(DomainError):
        services.initiator_invite(group=group, inviter=staff, email="x@example.org", hand_over=True)
    assert not StaffInvitation.objects.exists()


def test_a_member_cannot_also_become_the_initiator(forming_from_the_list):
    group, staff = forming_from_the_list
    invitation = services.initiator_invite(group=group, inviter=staff, email="med@example.org")
    member = MembershipFactory(group=group, user=UserFactory(email="med@example.org")).user
    EmailAddress.objects.update_or_create(
        user=member, email=member.email, defaults={"verified": True, "primary": True}
    )
    with pytest.raises(DomainError) as error:
        staff_invitation_accept(invitation_id=invitation.staff_invitation.pk, user=member)
    assert error.value.code == "member"
    # Nothing was granted: the whole acceptance was refused.
    invitation.staff_invitation.refresh_from_db()
    assert invitation.staff_invitation.accepted_at is None


def test_no_initiators_for_a_group_past_its_start():
    group = GroupFactory(state=State.SELF_RUN)
    staff = StaffRoleFactory(contact_point=group.contact_point).user
    for call in (
        lambda: services.initiator_add_self(group=group, user=staff),
        lambda: services.initiator_invite(group=group, inviter=staff, email="x@example.org"),
    ):
        with pytest.raises(DomainError) as error:
            call()
        assert error.value.code == "wrong_state"


def _staff_client(user) -> Client:
    give_totp(user)
    return login(Client(), user, mfa=True)


def test_the_initiators_page(forming_from_the_list, django_capture_on_commit_callbacks):
    group, staff = forming_from_the_list
    client = _staff_client(staff)
    url = reverse("staff:group_initiators", kwargs={"slug": group.slug})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The group has no initiator yet" in page
    assert reverse("staff:group_initiator_self", kwargs={"slug": group.slug}) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "frivillig@example.org"})
    assert response.status_code == 302
    assert InitiatorInvitation.objects.get().staff_invitation.email == "frivillig@example.org"
    page = client.get(url).content.decode()
    assert "frivillig@example.org" in page
    client.post(reverse("staff:group_initiator_self", kwargs={"slug": group.slug}))
    assert initiators(group) == 1


# --- The initiators' guide ----------------------------------------------------------------


def test_the_guide_covers_meetings_one_to_five_and_only_initiators_see_it():
    assert [m.number for m in MEETINGS] == [1, 2, 3, 4, 5]
    assert {"m1_expectations", "m1_principles", "m1_pledge", "m3_hosts", "m4_date"} <= ITEM_KEYS
    group = GroupFactory(state=State.STARTING)
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR, pledge_signed=True)
    member = MembershipFactory(group=group, pledge_signed=True)
    url = group.inside_url("groups:starting_guide")
    assert login(Client(), member.user).get(url).status_code == 404
    page = login(Client(), initiator.user).get(url, HTTP_ACCEPT_LANGUAGE="nb")
    assert page.status_code == 200
    assert "forventninger og behov" in page.content.decode()


def test_the_checklist_is_shared_with_the_co_initiator():
    group = GroupFactory(state=State.STARTING)
    first = MembershipFactory(group=group, role=Membership.Role.INITIATOR, pledge_signed=True)
    second = MembershipFactory(group=group, role=Membership.Role.INITIATOR, pledge_signed=True)
    tick = group.inside_url("groups:starting_guide_tick")
    response = login(Client(), first.user).post(tick, {"item": "m1_expectations", "ticked": "on"})
    assert response["Location"].endswith("/oppstart/#m1_expectations")
    assert StartChecklistTick.objects.get(group=group).ticked_by == first
    page = login(Client(), second.user).get(group.inside_url("groups:starting_guide"))
    assert f"{first.user.display_name}" in page.content.decode()
    login(Client(), second.user).post(tick, {"item": "m1_expectations", "ticked": ""})
    assert not StartChecklistTick.objects.exists()
    with pytest.raises(DomainError):
        services.start_checklist_tick(group=group, membership=first, item="nope", ticked=True)


def test_the_nudge_links_to_the_guide(settings):
    from notifications.models import OutgoingMessage
    from notifications.registry import renderer_for

    group = GroupFactory(state=State.STARTING)
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR)
    message = OutgoingMessage(
        key="n", kind="step_back_nudge", recipient=initiator.user, params={"group": group.pk}
    )
    rendered = renderer_for("step_back_nudge")(message)
    assert rendered is not None
    assert group.inside_url("groups:starting_guide") in rendered.text


def test_the_last_initiator_sees_why_the_group_is_not_ready_and_what_to_do():
    group = GroupFactory(state=State.STARTING)
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR, pledge_signed=True)
    client = login(Client(), initiator.user)
    page = client.get(group.inside_url("groups:inside"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the group is not ready to run itself yet" in page
    assert "The group needs at least 3 members besides the initiators." in page
    assert group.inside_url("groups:step_back") not in page
    assert reverse("staff:group_initiators", kwargs={"slug": group.slug}) in page
    assert group.inside_url("groups:support_request") in page
    assert group.inside_url("groups:starting_guide") in page
    # Pressing anyway (an old page) changes nothing and says why.
    response = client.post(group.inside_url("groups:step_back"), follow=True)
    assert "Gruppa er ikke klar til å gå av seg selv ennå." in response.content.decode()
    group.refresh_from_db()
    assert group.state == State.STARTING
