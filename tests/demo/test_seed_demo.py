"""``seed_demo`` and ``demo_totp``: demo data for development, made idempotent."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import User
from demo.data import DEMO_DOMAIN
from groups.models import Group, Membership
from organisations.models import ContactPoint, District, InformationMeeting, StaffRole

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_running_twice_changes_nothing():
    seed()
    first = row_counts()
    groups = list(Group.objects.order_by("slug").values())
    memberships = list(Membership.objects.order_by("pk").values())
    seed()
    assert row_counts() == first
    assert list(Group.objects.order_by("slug").values()) == groups
    assert list(Membership.objects.order_by("pk").values()) == memberships


def test_covers_every_state_kind_and_district():
    seed()
    assert set(Group.objects.values_list("state", flat=True)) == set(Group.State.values)
    assert set(ContactPoint.objects.values_list("kind", flat=True)) == set(ContactPoint.Kind.values)
    for district in District.objects.all():
        assert ContactPoint.objects.filter(kommune__fylke__district=district).exists(), district
    assert Group.objects.filter(format=Group.Format.DIGITAL).exists()


def test_groups_are_consistent():
    seed()
    for group in Group.objects.all():
        active = group.memberships.filter(
            role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE
        ).count()
        assert group.member_count == active <= group.capacity
        if group.format == Group.Format.IN_PERSON:
            assert group.kommune is not None
            assert abs(group.latitude - group.kommune.latitude) < 0.02
        if group.state in (Group.State.FORMING, Group.State.STARTING):
            assert group.memberships.filter(
                role=Membership.Role.INITIATOR, status=Membership.Status.ACTIVE
            ).exists()


def test_one_login_per_role_with_verified_email_and_staff_totp(settings):
    output = seed()
    for local_part in ("seeker", "member", "initiator", "contact-point", "district", "admin"):
        email = f"{local_part}@{DEMO_DOMAIN}"
        assert email in output
        user = User.objects.get(email=email)
        assert user.check_password(settings.SELVHJELP_DEMO_PASSWORD)
    for user in User.objects.all():
        assert user.email.endswith(f"@{DEMO_DOMAIN}")
        assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
    for role in StaffRole.objects.select_related("user"):
        assert Authenticator.objects.filter(user=role.user, type=Authenticator.Type.TOTP).exists()

    admin = User.objects.get(email=f"admin@{DEMO_DOMAIN}")
    assert admin.is_staff and admin.is_superuser
    assert admin.staff_roles.filter(kind=StaffRole.Kind.NATIONAL_ADMIN).exists()
    assert StaffRole.objects.filter(
        user__email=f"contact-point@{DEMO_DOMAIN}",
        kind=StaffRole.Kind.CONTACT_POINT_STAFF,
        contact_point__kommune__name="Drammen",
    ).exists()
    assert StaffRole.objects.filter(
        user__email=f"district@{DEMO_DOMAIN}",
        kind=StaffRole.Kind.DISTRICT_STAFF,
        district__slug="buskerud-vestfold-telemark",
    ).exists()
    initiator = User.objects.get(email=f"initiator@{DEMO_DOMAIN}")
    assert initiator.staff_roles.filter(kind=StaffRole.Kind.INITIATOR).exists()
    assert initiator.memberships.filter(
        role=Membership.Role.INITIATOR,
        group__state__in=[Group.State.FORMING, Group.State.STARTING],
    ).exists()
    member = User.objects.get(email=f"member@{DEMO_DOMAIN}")
    assert member.memberships.active().filter(role=Membership.Role.MEMBER).count() == 2


def test_demo_totp_prints_a_code_allauth_accepts(settings):
    seed()
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_totp", f"district@{DEMO_DOMAIN}", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    authenticator = Authenticator.objects.get(
        user__email=f"district@{DEMO_DOMAIN}", type=Authenticator.Type.TOTP
    )
    assert TOTP(authenticator).validate_code(code)


@pytest.mark.parametrize(
    ("debug", "email", "message"),
    [
        (True, "someone@example.org", "Not a demo address"),
        (True, f"seeker@{DEMO_DOMAIN}", "no TOTP"),
        (False, f"admin@{DEMO_DOMAIN}", "DEBUG"),
    ],
)
def test_demo_totp_refuses(settings, debug, email, message):
    seed()
    settings.DEBUG = debug
    with pytest.raises(CommandError, match=message):
        call_command("demo_totp", email, stdout=io.StringIO())


def test_demo_members_have_signed_and_one_group_has_an_open_proposal():
    from decisions.models import Proposal
    from demo.data import GROUPS, PROPOSAL_GROUP
    from pledges.selectors import membership_has_signed_current

    seed()
    active = Membership.objects.active().exclude(group__state=Group.State.DRAFT)
    assert active.exists()
    assert all(membership_has_signed_current(membership=m) for m in active)
    [proposal] = Proposal.objects.filter(status=Proposal.Status.OPEN)
    assert proposal.group.name == GROUPS[PROPOSAL_GROUP].name
    assert proposal.group.state == Group.State.SELF_RUN
    member = User.objects.get(email=f"member@{DEMO_DOMAIN}")
    # The demo member can answer it: they are in the group and have not answered.
    assert proposal.group.memberships.active().filter(user=member).exists()
    assert not proposal.answers.filter(membership__user=member).exists()


def test_a_few_contact_points_have_a_coming_information_meeting():
    with time_machine.travel(
        datetime.datetime(2026, 3, 28, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        seed()
        listed = list(InformationMeeting.objects.listed())
        assert len(listed) == 3
        assert sum(m.is_digital for m in listed) == 1
        # Saturday 28 March + 9 days, at 18.00 in Oslo (summer time from the 29th).
        drammen = next(m for m in listed if m.contact_point.slug == "friskliv-drammen")
        assert drammen.starts_at == datetime.datetime(2026, 4, 6, 16, 0, tzinfo=datetime.UTC)
        seed()
        assert InformationMeeting.objects.count() == 3
