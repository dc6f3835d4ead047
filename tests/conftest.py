"""Fixtures shared by the whole suite.

``build_world()`` makes one coherent little country: two district offices,
each with a fylke, a kommune, a contact point and groups, and one user for
every role the platform knows. The ``roles`` fixture gives it to a test;
``login()`` logs a test client in the way allauth would, optionally with a
session confirmed by TOTP, so that ``StaffMFAMiddleware`` lets staff through.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group as PermissionGroup
from django.test import Client
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from accounts.models import User
from core.models import AuditEvent, Heartbeat
from groups.models import Group, Membership
from organisations.models import StaffRole

from .factories import (
    ContactPointFactory,
    DistrictFactory,
    FylkeFactory,
    GroupFactory,
    KommuneFactory,
    MembershipFactory,
    StaffRoleFactory,
    ThemeFactory,
    UserFactory,
    current_pledge,
    give_totp,
)

# Property-based tests draw the same examples on every run ("ci"), so a red run
# stays red until fixed and a green one cannot turn red on a retry. `make fuzz`
# selects "fuzz": a fresh seed (printed, passed with --hypothesis-seed) and more
# examples, to find what the fixed ones do not.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("fuzz", derandomize=False, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Every role of the permission matrix, in the order reports list them.
ROLES = (
    "anonymous",
    "seeker",
    "member",
    "member_unsigned",
    "initiator",
    "former_member",
    "contact_point_staff",
    "district_staff",
    "district_staff_other",
    "national_admin",
    "staff_without_mfa",
)
# Roles whose sessions were confirmed with TOTP.
MFA_ROLES = frozenset(
    {"contact_point_staff", "district_staff", "district_staff_other", "national_admin"}
)
# Roles that may see inside group G (active participants who signed the pledge).
PARTICIPANT_ROLES = frozenset({"member", "initiator"})
# Active participants of G who have not signed: sent to the signing page.
UNSIGNED_ROLES = frozenset({"member_unsigned"})


def login(client: Client, user: User, *, mfa: bool = False) -> Client:
    """Log ``client`` in as ``user``, recording the steps as allauth does.

    Every login records a password step. With ``mfa=True`` a TOTP step follows,
    the record allauth writes after the user typed a valid code; that is what
    ``core.permissions.session_used_mfa`` looks for.
    """
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    now = time.time()
    records: list[dict[str, Any]] = [{"method": "password", "at": now, "email": user.email}]
    if mfa:
        record: dict[str, Any] = {"method": "mfa", "at": now, "type": "totp"}
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            record["id"] = totp.pk
        records.append(record)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user._meta.pk.value_to_string(user)
    session.save()
    return client


@dataclass
class World:
    """Everything ``build_world()`` made, by name."""

    district_a: Any
    district_b: Any
    fylke_a: Any
    fylke_b: Any
    kommune_a: Any
    kommune_b: Any
    cp_a: Any
    cp_b: Any
    theme: Any
    group: Group  # G: in person, starting, at CP-A
    digital_group: Group  # digital, forming, at CP-A, same participants as G
    group_b: Group  # in district B, at CP-B
    draft_group: Group  # at CP-A, not published
    ended_group: Group  # at CP-A, ended
    users: dict[str, User | None]
    other_member: User  # a member of G who is none of the roles
    member_b: User  # a member of the district B group
    permission_group: PermissionGroup
    audit_event: AuditEvent
    heartbeat: Heartbeat
    # Text that must never reach anyone outside the groups it belongs to.
    secrets: list[str] = field(default_factory=list)

    def user(self, role: str) -> User | None:
        return self.users[role]


def build_world() -> World:
    """Two districts, their contact points and groups, and one user per role."""
    district_a = DistrictFactory(slug="distrikt-a", name="Distriktskontor Alfa")
    district_b = DistrictFactory(slug="distrikt-b", name="Distriktskontor Beta")
    fylke_a = FylkeFactory(name="Fylke Alfa", district=district_a)
    fylke_b = FylkeFactory(name="Fylke Beta", district=district_b)
    kommune_a = KommuneFactory(name="Alfakommune", fylke=fylke_a)
    kommune_b = KommuneFactory(name="Betakommune", fylke=fylke_b)
    cp_a = ContactPointFactory(slug="kp-alfa", name="Frisklivssentralen Alfa", kommune=kommune_a)
    cp_b = ContactPointFactory(slug="kp-beta", name="Frisklivssentralen Beta", kommune=kommune_b)
    theme = ThemeFactory(slug="tema-matrise", name_nb="Samlivsbrudd", name_en="Break-ups")

    group = GroupFactory(
        slug="tirsdagsgruppa-alfa",
        inside_token="Gk4711alfa",
        name="Tirsdagsgruppa Alfa",
        theme=theme,
        contact_point=cp_a,
        state=Group.State.STARTING,
        place="Kjellerstua i Storgata 7, ring på hos Hansen",
        meeting_url="https://meet.example.org/rom-kjeller-4711",
    )
    digital_group = GroupFactory(
        slug="nettgruppa-alfa",
        inside_token="Dg0815alfa",
        name="Nettgruppa Alfa",
        theme=theme,
        contact_point=cp_a,
        format=Group.Format.DIGITAL,
        kommune=None,
        state=Group.State.FORMING,
        place="",
        meeting_url="https://meet.example.org/rom-digitalt-0815",
    )
    group_b = GroupFactory(
        slug="onsdagsgruppa-beta",
        inside_token="Bb2323beta",
        name="Onsdagsgruppa Beta",
        theme=theme,
        contact_point=cp_b,
        state=Group.State.SELF_RUN,
        place="Bakrommet i Kirkegata 3, bruk sidedøra",
        meeting_url="https://meet.example.org/rom-beta-2323",
    )
    draft_group = GroupFactory(
        slug="utkast-alfa",
        inside_token="Ut0001alfa",
        name="Utkastgruppa Alfa",
        theme=theme,
        contact_point=cp_a,
        state=Group.State.DRAFT,
        place="Loftet i Utkastveien 1",
    )
    ended_group = GroupFactory(
        slug="avsluttet-alfa",
        inside_token="Av0009alfa",
        name="Avsluttetgruppa Alfa",
        theme=theme,
        contact_point=cp_a,
        state=Group.State.ENDED,
        place="Peisestua i Sluttveien 9",
    )

    def person(role: str, name: str, **extra: Any) -> User:
        email = f"{role.replace('_', '.')}@example.org"
        return UserFactory(email=email, display_name=name, **extra)

    seeker = person("seeker", "Sigrid Søkende")
    member = person("member", "Solveig Medlemsen")
    member_unsigned = person("member_unsigned", "Ulrik Usignert")
    initiator = person("initiator", "Ingrid Igangsetter")
    former_member = person("former_member", "Frode Forhenværende")
    contact_point_staff = person("contact_point_staff", "Kari Kontaktpunkt")
    district_staff = person("district_staff", "Dag Distrikt")
    district_staff_other = person("district_staff_other", "Dina Distrikt-Beta")
    national_admin = person("national_admin", "Nina Nasjonal", is_staff=True, is_superuser=True)
    staff_without_mfa = person("staff_without_mfa", "Sverre Utenkode")
    other_member = person("other_member", "Tor Ivar Medlemsen")
    member_b = person("member_b", "Berit Betamedlem")

    current_pledge()  # transactional tests may have flushed the migration's row
    for g in (group, digital_group):
        MembershipFactory(
            group=g, user=initiator, role=Membership.Role.INITIATOR, pledge_signed=True
        )
        MembershipFactory(group=g, user=member, pledge_signed=True)
        MembershipFactory(group=g, user=other_member, pledge_signed=True)
        MembershipFactory(group=g, user=member_unsigned)
    MembershipFactory(
        group=group,
        user=former_member,
        status=Membership.Status.LEFT,
        ended_at=timezone.now(),
    )
    MembershipFactory(group=group_b, user=member_b, pledge_signed=True)

    StaffRoleFactory(user=initiator, kind=StaffRole.Kind.INITIATOR, contact_point=cp_a)
    StaffRoleFactory(user=contact_point_staff, contact_point=cp_a)
    StaffRoleFactory(user=staff_without_mfa, contact_point=cp_a)
    StaffRoleFactory(
        user=district_staff,
        kind=StaffRole.Kind.DISTRICT_STAFF,
        district=district_a,
        contact_point=None,
    )
    StaffRoleFactory(
        user=district_staff_other,
        kind=StaffRole.Kind.DISTRICT_STAFF,
        district=district_b,
        contact_point=None,
    )
    StaffRoleFactory(
        user=national_admin,
        kind=StaffRole.Kind.NATIONAL_ADMIN,
        district=None,
        contact_point=None,
    )
    for user in (contact_point_staff, district_staff, district_staff_other, national_admin):
        give_totp(user)

    permission_group = PermissionGroup.objects.create(name="Redaktører")
    audit_event = AuditEvent.objects.create(
        actor=national_admin, event="matrix.example", target_type="", target_id=""
    )
    heartbeat = Heartbeat.objects.create(component="worker", last_seen=timezone.now())

    return World(
        district_a=district_a,
        district_b=district_b,
        fylke_a=fylke_a,
        fylke_b=fylke_b,
        kommune_a=kommune_a,
        kommune_b=kommune_b,
        cp_a=cp_a,
        cp_b=cp_b,
        theme=theme,
        group=group,
        digital_group=digital_group,
        group_b=group_b,
        draft_group=draft_group,
        ended_group=ended_group,
        users={
            "anonymous": None,
            "seeker": seeker,
            "member": member,
            "member_unsigned": member_unsigned,
            "initiator": initiator,
            "former_member": former_member,
            "contact_point_staff": contact_point_staff,
            "district_staff": district_staff,
            "district_staff_other": district_staff_other,
            "national_admin": national_admin,
            "staff_without_mfa": staff_without_mfa,
        },
        other_member=other_member,
        member_b=member_b,
        permission_group=permission_group,
        audit_event=audit_event,
        heartbeat=heartbeat,
        secrets=[
            group.place,
            group.meeting_url,
            digital_group.meeting_url,
            group_b.place,
            group_b.meeting_url,
            draft_group.place,
            ended_group.place,
            member.display_name,
            member_unsigned.display_name,
            initiator.display_name,
            other_member.display_name,
            former_member.display_name,
            member_b.display_name,
        ],
    )


def client_for(world: World, role: str) -> Client:
    """A fresh client logged in as ``role`` (anonymous: not logged in)."""
    client = Client()
    user = world.users[role]
    if user is not None:
        login(client, user, mfa=role in MFA_ROLES)
    return client


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def roles(db) -> World:
    """The world of ``build_world()``: ``roles.user("member")``, ``roles.group`` …"""
    return build_world()


@pytest.fixture
def role_client(roles):
    """``role_client("district_staff")``: a client logged in as that role."""

    def make(role: str) -> Client:
        return client_for(roles, role)

    return make


@pytest.fixture(autouse=True)
def _default_language():
    """A test starts in the default language, whichever one the test before it
    left active (a request through the test client activates the visitor's)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


def clear_caches() -> None:
    """Empty the shared cache and what each process holds (``core.caching``, and the
    rendered page parts in ``fragments``)."""
    from django.core.cache import cache, caches

    from core import caching

    cache.clear()
    caches["fragments"].clear()
    caching.clear_local()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (core.ratelimit) and other cached values start empty."""
    clear_caches()
    yield


@pytest.fixture
def sms_outbox(settings):
    """Texts go to a list in memory; the list, emptied before and after the test."""
    from notifications.sms import LocmemBackend

    settings.SELVHJELP_SMS_BACKEND = "notifications.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    yield LocmemBackend.outbox
    LocmemBackend.outbox.clear()
