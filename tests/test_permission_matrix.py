"""Who gets what, for every URL the project serves.

``URLS`` below is the table: one key per URL pattern of the project's resolver
(namespaced name, or ``<unnamed> route`` for the few patterns without a name),
each with one or more cases (how to build the URL from the world of
``tests.conftest.build_world()`` and the expected answer per role).

- ``test_every_url_pattern_is_in_the_table`` fails when a pattern is added
  (or removed) without updating the table: every new view needs a decision.
- ``test_matrix`` requests every case as every role, without following
  redirects, and checks the status and, for redirects, where they point.
- Every 200 answer is searched for text the role must never see: the exact
  meeting place, the meeting link and member names of groups the role is not
  an active participant of, and TOTP secrets (see ``forbidden_text``).

Decisions the table records (see the report to the lead):
- Anonymous requests to group-internal pages are sent to the login page
  (``login_required`` runs first) rather than answered with 404; this leaks
  nothing, because unknown slugs are redirected the same way (the "unknown
  slug" cases).
- Contact-point staff get 404 on district pages; district staff see the
  contact points of their own district; nobody but active participants sees
  inside a group, national administrators included.
- Initiators hold a ``StaffRole``, so the staff area asks them for TOTP too.
- Admin pages are generated from ``ADMIN_MODELS`` by ``admin_model_urls``; a
  newly registered model makes the completeness test fail until it is listed.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse
from django.utils import timezone

from directory.models import ChangeReport
from feedback.models import Answer, Answered, PendingAnswer
from groups.gate import gate_of
from groups.models import Group, GroupInvitation, SupportRequest
from interest.models import InterestRegistration
from organisations.models import ContactPoint, InformationMeeting, StaffInvitation, StaffRole
from pledges.models import GroupPledgeLines, Pledge, PledgeSignature

from .conftest import PARTICIPANT_ROLES, ROLES, UNSIGNED_ROLES, World, build_world, login

# --- Expectations ------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A 302 whose ``Location`` starts with ``to`` (or equals it, if ``exact``)."""

    to: str
    exact: bool = False
    status: int = 302

    def matches(self, location: str) -> bool:
        return location == self.to if self.exact else location.startswith(self.to)

    def __str__(self) -> str:
        return f"{self.status} → {self.to}{'' if self.exact else '…'}"


Expected = int | Redirect | None  # None: this role is not requested in this case

TO_LOGIN = Redirect("/konto/login/?next=")
TO_TOTP_SETUP = Redirect("/konto/2fa/totp/activate/?next=")
TO_ADMIN_LOGIN = Redirect("/admin/login/?next=")
TO_REAUTHENTICATE = Redirect("/konto/reauthenticate/?next=")
TO_PROFILE = Redirect("/profil/", exact=True)
TO_REAUTH = Redirect("/konto/reauthenticate/")

# Users whose sessions hold no TOTP step: the staff area sends staff among them
# to set TOTP up.
NO_TOTP_STAFF = ("initiator", "staff_without_mfa")


def everyone(default: Expected, **overrides: Expected) -> dict[str, Expected]:
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: overrides.get(role, default) for role in ROLES}


def logged_in(default: Expected, **overrides: Expected) -> dict[str, Expected]:
    """Anonymous visitors go to the login page; logged-in roles get ``default``."""
    return everyone(default, **{"anonymous": TO_LOGIN, **overrides})


def staff_area(**allowed: Expected) -> dict[str, Expected]:
    """``/personale/``: 404 unless listed; TOTP set-up first for staff without it."""
    return everyone(
        404,
        anonymous=TO_LOGIN,
        **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP),
        **allowed,
    )


def admin_area(national_admin: Expected = 200) -> dict[str, Expected]:
    """Every admin page: only national administrators with a TOTP session get in.

    Logged-in users without ``is_staff`` are sent to ``/admin/login/``, which
    answers them 404 (``core.views.admin_login``); staff without TOTP are sent
    to set it up first (``StaffMFAMiddleware``).
    """
    return everyone(
        TO_ADMIN_LOGIN,
        **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP),
        national_admin=national_admin,
    )


@dataclass(frozen=True)
class Case:
    label: str
    expect: dict[str, Expected]
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    # For patterns without a name: build the path directly.
    path: Callable[[World], str] | None = None
    query: str = ""
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    content_type: str | None = None  # e.g. JSON bodies for the API
    # Runs after the request (for POSTs that must not have changed anything).
    check: Callable[[World], None] | None = None


def public(label: str = "", **kw: Any) -> Case:
    return Case(label or "page", everyone(200), **kw)


def group_slug(attr: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"slug": getattr(w, attr).slug}


def group_token(attr: str) -> Callable[[World], dict[str, Any]]:
    """How an inside URL names the group: by its opaque token, never its slug."""
    return lambda w: {"token": getattr(w, attr).inside_token}


TO_INSIDE_G = Redirect("/inne/Gk4711alfa/", exact=True)
TO_SIGN_G = Redirect("/inne/Gk4711alfa/taushetserklaering/", exact=True)
TO_SIGN_DIGITAL = Redirect("/inne/Dg0815alfa/taushetserklaering/", exact=True)
TO_BOARD_G = Redirect("/inne/Gk4711alfa/tavle/", exact=True)


def inside(participants: Expected, unsigned: Expected = TO_SIGN_G) -> dict[str, Expected]:
    """A group-internal page: signed participants get ``participants``, active
    participants who have not signed the current pledge go to the signing page,
    everyone else 404 (anonymous: login)."""
    return logged_in(
        404,
        **dict.fromkeys(PARTICIPANT_ROLES, participants),
        **dict.fromkeys(UNSIGNED_ROLES, unsigned),
    )


PARTICIPANTS_200 = inside(200)


def old_address(to: Redirect) -> dict[str, Expected]:
    """An inside address by slug: active participants of G, signed or not, are sent
    to the address by token; everyone else gets 404, anonymous visitors too."""
    return everyone(404, **dict.fromkeys(PARTICIPANT_ROLES | UNSIGNED_ROLES, to))


def only_initiators(initiator: Expected) -> dict[str, Expected]:
    """An inside page for the group's initiators: members get 404 like outsiders."""
    return logged_in(404, initiator=initiator, member_unsigned=TO_SIGN_G)


INITIATORS_200 = only_initiators(200)
TO_STAFF_G = Redirect("/personale/grupper/tirsdagsgruppa-alfa/", exact=True)


def state_is(attr: str, state: str) -> Callable[[World], None]:
    def check(w: World) -> None:
        group = getattr(w, attr)
        assert Group.objects.get(pk=group.pk).state == state, f"{group} changed state"

    return check


def no_support_requests() -> None:
    assert not SupportRequest.objects.exists()


def no_answers() -> None:
    assert not SupportRequest.objects.filter(answered_at__isnull=False).exists()


def no_feedback() -> None:
    for model in (Answer, PendingAnswer, Answered):
        assert not model.objects.exists()


def board_post(world: World, attr: str, author: str) -> int:
    """A post on the board of group ``attr`` by ``author`` (a role, or a world attribute)."""
    from board.models import Post

    group = getattr(world, attr)
    user = world.users[author] if author in world.users else getattr(world, author)
    membership = group.memberships.get(user=user, status="active")
    post, _ = Post.objects.get_or_create(group=group, membership=membership, body="Matrisehilsen")
    return post.pk


def board_post_kwargs(attr: str, author: str, *, under: str | None = None) -> Callable:
    return lambda w: {
        "token": getattr(w, under or attr).inside_token,
        "pk": board_post(w, attr, author),
    }


def board_posts_are(count: int) -> Callable[[World], None]:
    def check(world: World) -> None:
        from board.models import Post

        assert Post.objects.count() == count

    return check


def no_change_reports() -> None:
    assert not ChangeReport.objects.exists()


def no_handled_reports() -> None:
    assert not ChangeReport.objects.filter(handled_at__isnull=False).exists()


def change_report_for(contact_point: Any) -> int:
    """A report of a change made for the case (rolled back with the test)."""
    return ChangeReport.objects.get_or_create(
        contact_point=contact_point, defaults={"message": "Nytt nummer"}
    )[0].pk


def entry_unchanged(contact_point: Any) -> None:
    assert ContactPoint.objects.get(pk=contact_point.pk).public_phone == contact_point.public_phone


def information_meeting_for(contact_point: Any) -> int:
    """An upcoming information meeting made for the case (rolled back with the test)."""
    starts = timezone.now() + datetime.timedelta(days=7)
    return InformationMeeting.objects.get_or_create(
        contact_point=contact_point,
        defaults={
            "kommune": contact_point.kommune,
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=2),
            "place": "Biblioteket",
            "description": "Om selvhjelpsgrupper.",
        },
    )[0].pk


def information_meeting_kwargs(owner: str, *, under: str | None = None) -> Callable:
    """A meeting of contact point ``owner``, addressed under ``under``'s slug (default: its own)."""
    return lambda w: {
        "slug": getattr(w, under or owner).slug,
        "pk": information_meeting_for(getattr(w, owner)),
    }


def assert_no_information_meetings() -> None:
    assert not InformationMeeting.objects.exists()


def information_meetings_untouched() -> None:
    assert not InformationMeeting.objects.filter(cancelled_at__isnull=False).exists()
    assert not InformationMeeting.objects.filter(change_count__gt=0).exists()


def group_count_is(n: int) -> None:
    assert Group.objects.count() == n


def support_request_for(group: Group) -> int:
    """A support request made for the case (rolled back with the test)."""
    return SupportRequest.objects.get_or_create(group=group, defaults={"message": "Hjelp"})[0].pk


WITH_TOTP = ("contact_point_staff", "district_staff", "district_staff_other", "national_admin")

# --- Helpers for the shared-tasks and invitation rows --------------------------


def assert_no_contact_person(group: Group) -> None:
    group.refresh_from_db()
    assert group.contact_person_id is None


def assert_not_invited(email: str) -> None:
    assert not StaffInvitation.objects.filter(email=email).exists()


def matrix_invitation(world: World) -> StaffInvitation:
    """A pending invitation to CP-A for an address none of the roles has."""
    invitation, _ = StaffInvitation.objects.get_or_create(
        token="matrise-invitasjon",
        defaults={
            "email": "ikke.her@example.org",
            "kind": StaffInvitation.Kind.CONTACT_POINT_STAFF,
            "contact_point": world.cp_a,
        },
    )
    return invitation


def assert_not_accepted(invitation: StaffInvitation) -> None:
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# --- Helpers for the joining rows ---------------------------------------------


def no_join_requests() -> None:
    from joining.models import JoinRequest

    assert not JoinRequest.objects.exclude(user__email="matrise.b@example.org").exists()


def no_waiting_list() -> None:
    from joining.models import WaitingListEntry

    assert not WaitingListEntry.objects.exists()


def join_request_in_b(world: World) -> int:
    """A pending request to the district B group, by a person none of the roles is."""
    from joining.models import JoinRequest
    from tests.factories import UserFactory

    found = JoinRequest.objects.filter(user__email="matrise.b@example.org").first()
    if found is None:
        found = JoinRequest.objects.create(
            group=world.group_b,
            user=UserFactory(email="matrise.b@example.org"),
            decider=JoinRequest.Decider.ALL_MEMBERS,
            consent_deadline=timezone.now() + datetime.timedelta(days=7),
        )
    return found.pk


def assert_still_pending(pk: int) -> None:
    from joining.models import JoinRequest

    assert JoinRequest.objects.get(pk=pk).status == JoinRequest.Status.PENDING


def assert_active_in_b(world: World) -> None:
    assert world.group_b.memberships.active().filter(user=world.member_b).exists()


def assert_initiator_active(world: World) -> None:
    assert world.group.memberships.active().filter(user=world.user("initiator")).exists()


# --- Helpers for the decisions and initiator rows ------------------------------


def proposal_in_b(world: World) -> int:
    """An open proposal in the district B group, made by its member (rolled back with the test)."""
    from decisions.models import Proposal

    found = Proposal.objects.filter(group=world.group_b).first()
    if found is None:
        found = Proposal.objects.create(
            group=world.group_b,
            kind=Proposal.Kind.PAUSE,
            proposed_by=world.group_b.memberships.get(user=world.member_b),
            deadline=timezone.now() + datetime.timedelta(days=7),
        )
    return found.pk


def assert_proposal_untouched(pk: int) -> None:
    from decisions.models import Proposal

    proposal = Proposal.objects.get(pk=pk)
    assert proposal.status == Proposal.Status.OPEN and not proposal.answers.exists()


def assert_no_ticks() -> None:
    from groups.models import StartChecklistTick

    assert not StartChecklistTick.objects.exists()


def assert_no_initiator(group: Group) -> None:
    assert not group.memberships.filter(role="initiator", status="active").exists()


# --- Helpers for the meetings rows ----------------------------------------------


def meeting_in(world: World, attr: str, *, days: int = 3) -> Any:
    """A meeting of the group ``attr``, ``days`` from now (negative: in the past)."""
    from meetings.models import Meeting

    group = getattr(world, attr)
    starts = (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0, second=0)
    meeting, _ = Meeting.objects.get_or_create(
        group=group,
        occurrence=starts.replace(minute=0),
        defaults={
            "starts_at": starts.replace(minute=0),
            "ends_at": starts.replace(minute=0) + datetime.timedelta(hours=2),
        },
    )
    return meeting


def meeting_kwargs(attr: str, *, days: int = 3, group_of: str | None = None) -> Callable:
    return lambda w: {
        "token": getattr(w, group_of or attr).inside_token,
        "pk": meeting_in(w, attr, days=days).pk,
    }


def absence_token_for(world: World, *, days: int = 3) -> dict[str, str]:
    from meetings.links import absence_token

    membership = world.group.memberships.get(user=world.user("member"), status="active")
    return {
        "token": absence_token(membership=membership, meeting=meeting_in(world, "group", days=days))
    }


def no_absences() -> None:
    from meetings.models import Absence

    assert not Absence.objects.exists()


def no_meeting_changes(world: World) -> None:
    from meetings.models import Meeting

    assert not Meeting.objects.filter(cancelled_at__isnull=False).exists()
    assert not Meeting.objects.filter(changed_at__isnull=False).exists()
    assert not Meeting.objects.filter(attendance__isnull=False).exists()


def feed_token(world: World, role: str) -> dict[str, str]:
    from meetings.models import CalendarFeed

    feed, _ = CalendarFeed.objects.get_or_create(
        user=world.user(role), defaults={"token": f"matrise-{role}"}
    )
    return {"token": feed.token}


TO_INSIDE_G_MEETINGS = Redirect("/inne/Gk4711alfa/")


# --- The table ---------------------------------------------------------------

URLS: dict[str, list[Case]] = {
    # Public pages: no account needed, nothing personal asked.
    "home": [public()],
    "about": [public()],
    "health": [public()],
    # A plain link (no POST, so no CSRF cookie for first-time visitors).
    "set_language": [
        Case(
            "switches and returns",
            everyone(Redirect("/grupper/", exact=True)),
            query="language=en&next=/grupper/",
        ),
        Case(
            "ignores an off-site next",
            everyone(Redirect("/", exact=True)),
            query="language=en&next=https://evil.example/",
        ),
        Case("POST is not allowed", everyone(405), method="post", data={"language": "en"}),
    ],
    "groups:list": [public()],
    "groups:detail": [
        public("group G", kwargs=group_slug("group")),
        public("group in district B", kwargs=group_slug("group_b")),
        # Drafts and ended groups: only the contact point that runs them. This
        # is not the staff area, so CP staff without TOTP see the public face too.
        Case(
            "draft group",
            everyone(404, contact_point_staff=200, staff_without_mfa=200),
            kwargs=group_slug("draft_group"),
        ),
        Case(
            "ended group",
            everyone(404, contact_point_staff=200, staff_without_mfa=200),
            kwargs=group_slug("ended_group"),
        ),
        Case("unknown slug", everyone(404), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "groups:mine": [Case("page", logged_in(200))],
    # Inside a group: active participants only; everyone else 404.
    "groups:inside": [
        Case("group G", PARTICIPANTS_200, kwargs=group_token("group")),
        Case(
            "digital group",
            inside(200, unsigned=TO_SIGN_DIGITAL),
            kwargs=group_token("digital_group"),
        ),
        Case("group in district B", logged_in(404), kwargs=group_token("group_b")),
        Case("draft group", logged_in(404), kwargs=group_token("draft_group")),
        Case("ended group", logged_in(404), kwargs=group_token("ended_group")),
        Case("unknown token", logged_in(404), kwargs=lambda w: {"token": "finnes-ikke"}),
        # require_GET runs before the lookup: 405 for known and unknown slugs alike.
        Case(
            "POST is not allowed",
            logged_in(405),
            kwargs=group_token("group"),
            method="post",
        ),
    ],
    # Inside addresses from before they named the group by token: members go on
    # to the new address (whose own gate asks the unsigned to sign); anyone
    # else, anonymous visitors included, gets 404 as for a hidden group.
    "groups:inside_old_address": [
        Case("group G", old_address(TO_INSIDE_G), kwargs=group_slug("group")),
        Case(
            "digital group",
            old_address(Redirect("/inne/Dg0815alfa/", exact=True)),
            kwargs=group_slug("digital_group"),
        ),
        Case("group in district B", everyone(404), kwargs=group_slug("group_b")),
        Case("draft group", everyone(404), kwargs=group_slug("draft_group")),
        Case("ended group", everyone(404), kwargs=group_slug("ended_group")),
        Case("unknown slug", everyone(404), kwargs=lambda w: {"slug": "finnes-ikke"}),
        Case(
            "POST, group G",
            old_address(TO_INSIDE_G),
            kwargs=group_slug("group"),
            method="post",
        ),
    ],
    "groups:inside_old_address_below": [
        Case(
            "a meeting of group G, with its query",
            old_address(Redirect("/inne/Gk4711alfa/moter/7/?fra=epost", exact=True)),
            kwargs=lambda w: {"slug": w.group.slug, "rest": "moter/7/"},
            query="fra=epost",
        ),
        Case(
            "the pledge of group G",
            old_address(TO_SIGN_G),
            kwargs=lambda w: {"slug": w.group.slug, "rest": "taushetserklaering/"},
        ),
        Case(
            "group G, a path that names no page inside it",
            everyone(404),
            kwargs=lambda w: {"slug": w.group.slug, "rest": "../../admin/"},
        ),
        Case(
            "group G, a path that does not exist",
            everyone(404),
            kwargs=lambda w: {"slug": w.group.slug, "rest": "finnes-ikke/"},
        ),
        Case(
            "group in district B",
            everyone(404),
            kwargs=lambda w: {"slug": w.group_b.slug, "rest": "motetid/"},
        ),
        Case(
            "draft group",
            everyone(404),
            kwargs=lambda w: {"slug": w.draft_group.slug, "rest": "motetid/"},
        ),
    ],
    # Meeting guide and shared tasks (groups.views_rotation): participants only.
    "groups:meeting_guide": [
        Case("group G", PARTICIPANTS_200, kwargs=group_token("group")),
        Case("group in district B", logged_in(404), kwargs=group_token("group_b")),
        Case("POST is not allowed", logged_in(405), kwargs=group_token("group"), method="post"),
    ],
    "groups:hosting_toggle": [
        Case("GET is not allowed", logged_in(405), kwargs=group_token("group")),
        Case(
            "opt out, group G",
            inside(TO_INSIDE_G),
            kwargs=group_token("group"),
            method="post",
            data={"hosts": ""},
        ),
        Case(
            "group in district B",
            logged_in(404),
            kwargs=group_token("group_b"),
            method="post",
            data={"hosts": "on"},
        ),
    ],
    "groups:host_turn_swap": [
        Case("GET is not allowed", logged_in(405), kwargs=group_token("group")),
        Case(
            "unknown turns are refused",
            inside(TO_INSIDE_G),
            kwargs=group_token("group"),
            method="post",
            data={"own_turn": "999999", "other_turn": "999998"},
        ),
        Case(
            "group in district B",
            logged_in(404),
            kwargs=group_token("group_b"),
            method="post",
            data={"own_turn": "1", "other_turn": "2"},
        ),
    ],
    "groups:contact_person_hand_on": [
        Case("GET is not allowed", logged_in(405), kwargs=group_token("group")),
        Case(
            "group in district B",
            logged_in(404),
            kwargs=group_token("group_b"),
            method="post",
            check=lambda w: assert_no_contact_person(w.group_b),
        ),
    ],
    # Meetings (meetings.views): inside pages for participants only; the
    # absence link and the calendar feed are public by design, keyed by a
    # signed token or a random token, and answer 404 to anything else.
    "meetings:detail": [
        Case("meeting of G", PARTICIPANTS_200, kwargs=meeting_kwargs("group")),
        Case("meeting in district B", logged_in(404), kwargs=meeting_kwargs("group_b")),
        Case(
            "B's meeting under G's address",
            inside(404),
            kwargs=meeting_kwargs("group_b", group_of="group"),
        ),
        Case("POST is not allowed", logged_in(405), kwargs=meeting_kwargs("group"), method="post"),
    ],
    "meetings:cancel": [
        Case("GET is not allowed", logged_in(405), kwargs=meeting_kwargs("group")),
        Case(
            "a past meeting of G is refused",
            inside(200),
            kwargs=meeting_kwargs("group", days=-2),
            method="post",
            check=no_meeting_changes,
        ),
        Case(
            "meeting in district B",
            logged_in(404),
            kwargs=meeting_kwargs("group_b"),
            method="post",
            check=no_meeting_changes,
        ),
    ],
    "meetings:move": [
        Case("GET is not allowed", logged_in(405), kwargs=meeting_kwargs("group")),
        Case(
            "into the past is refused",
            inside(200),
            kwargs=meeting_kwargs("group"),
            method="post",
            data={"move-date": "2020-01-07", "move-time": "18:00"},
            check=no_meeting_changes,
        ),
        Case(
            "meeting in district B",
            logged_in(404),
            kwargs=meeting_kwargs("group_b"),
            method="post",
            data={"move-date": "2030-01-08", "move-time": "18:00"},
            check=no_meeting_changes,
        ),
    ],
    "meetings:absence": [
        Case("GET is not allowed", logged_in(405), kwargs=meeting_kwargs("group")),
        Case(
            "notice for a meeting of G",
            inside(TO_INSIDE_G_MEETINGS),
            kwargs=meeting_kwargs("group"),
            method="post",
            data={"action": "register"},
        ),
        Case(
            "meeting in district B",
            logged_in(404),
            kwargs=meeting_kwargs("group_b"),
            method="post",
            data={"action": "register"},
            check=lambda w: no_absences(),
        ),
    ],
    "meetings:attendance": [
        Case("GET is not allowed", logged_in(405), kwargs=meeting_kwargs("group")),
        Case(
            "a meeting that has not started is refused",
            inside(200),
            kwargs=meeting_kwargs("group"),
            method="post",
            data={"count-count": "4"},
            check=no_meeting_changes,
        ),
        Case(
            "meeting in district B",
            logged_in(404),
            kwargs=meeting_kwargs("group_b", days=-2),
            method="post",
            data={"count-count": "4"},
            check=no_meeting_changes,
        ),
    ],
    "meetings:ics": [
        Case("meeting of G", PARTICIPANTS_200, kwargs=meeting_kwargs("group")),
        Case("meeting in district B", logged_in(404), kwargs=meeting_kwargs("group_b")),
    ],
    "meetings:schedule": [
        Case("group G", PARTICIPANTS_200, kwargs=group_token("group")),
        Case(
            "digital group (not meeting yet)",
            inside(404, unsigned=TO_SIGN_DIGITAL),
            kwargs=group_token("digital_group"),
        ),
        Case("group in district B", logged_in(404), kwargs=group_token("group_b")),
        Case(
            "invalid change, group G",
            inside(200),
            kwargs=group_token("group"),
            method="post",
            data={"weekday": "9", "start_time": "25:00"},
            check=state_is("group", Group.State.STARTING),
        ),
    ],
    # The link in a reminder: no login; GET only asks, POST registers.
    "meetings:absence_link": [
        Case(
            "GET asks and registers nothing",
            everyone(200),
            kwargs=lambda w: absence_token_for(w),
            check=lambda w: no_absences(),
        ),
        Case(
            "POST registers",
            everyone(200),
            kwargs=lambda w: absence_token_for(w),
            method="post",
            data={"action": "register"},
        ),
        Case(
            "after the meeting",
            everyone(410),
            kwargs=lambda w: absence_token_for(w, days=-2),
            method="post",
            data={"action": "register"},
            check=lambda w: no_absences(),
        ),
        Case(
            "forged token",
            everyone(404),
            kwargs=lambda w: {"token": "eyJtIjoxLCJtcyI6MX0:forfalsket"},
            method="post",
            data={"action": "register"},
            check=lambda w: no_absences(),
        ),
    ],
    "meetings:calendar": [
        Case("page", logged_in(200)),
        Case(
            "unknown action",
            logged_in(Redirect("/kalender/", exact=True)),
            method="post",
            data={"action": "ukjent"},
        ),
    ],
    "meetings:feed": [
        # Whoever holds the address reads it; the seeker's feed is empty.
        Case("valid token", everyone(200), kwargs=lambda w: feed_token(w, "seeker")),
        Case("unknown token", everyone(404), kwargs=lambda w: {"token": "gjettet-token"}),
        Case(
            "POST is not allowed",
            everyone(405),
            kwargs=lambda w: feed_token(w, "seeker"),
            method="post",
        ),
    ],
    # Staff invitations: district staff for their district's contact points,
    # contact-point staff for their own (initiators); the accept link is
    # outside /personale/ so that a new person without TOTP can open it.
    # The public directory of contact points and reports of a change: no account needed.
    "directory:list": [public(), public("by place", query="q=Alfakommune")],
    "directory:detail": [
        public("CP-A", kwargs=lambda w: {"slug": w.cp_a.slug}),
        Case("unknown slug", everyone(404), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "directory:report": [
        public("CP-A", kwargs=lambda w: {"slug": w.cp_a.slug}),
        Case(
            "empty POST shows the form again",
            everyone(200),
            kwargs=lambda w: {"slug": w.cp_a.slug},
            method="post",
            check=lambda w: no_change_reports(),
        ),
        Case("unknown slug", everyone(404), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "directory:report_group": [
        public("group G", kwargs=group_slug("group")),
        Case(
            "draft group",
            everyone(404, contact_point_staff=200, staff_without_mfa=200),
            kwargs=group_slug("draft_group"),
        ),
        Case("unknown slug", everyone(404), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    # Printable posters and cards: only for what the public can find, staff
    # included (no sheet for a draft, an ended group or an unknown slug).
    **{
        name: [
            public("CP-A", kwargs=lambda w: {"slug": w.cp_a.slug}),
            Case("unknown slug", everyone(404), kwargs=lambda w: {"slug": "finnes-ikke"}),
            Case(
                "POST is not allowed",
                everyone(405),
                kwargs=lambda w: {"slug": w.cp_a.slug},
                method="post",
            ),
        ]
        for name in ("directory:contact_point_poster", "directory:contact_point_card")
    },
    **{
        name: [
            public("group G", kwargs=group_slug("group")),
            public("digital group", kwargs=group_slug("digital_group")),
            public("group B", kwargs=group_slug("group_b")),
            Case("draft group", everyone(404), kwargs=group_slug("draft_group")),
            Case("ended group", everyone(404), kwargs=group_slug("ended_group")),
            Case("unknown slug", everyone(404), kwargs=lambda w: {"slug": "finnes-ikke"}),
        ]
        for name in ("directory:group_poster", "directory:group_card")
    },
    # Information meetings are public; a meeting answers only under its own contact point.
    **{
        name: [
            public("CP-A's meeting", kwargs=information_meeting_kwargs("cp_a")),
            public("CP-B's meeting", kwargs=information_meeting_kwargs("cp_b")),
            Case(
                "CP-B's meeting under CP-A's address",
                everyone(404),
                kwargs=information_meeting_kwargs("cp_b", under="cp_a"),
            ),
            Case("unknown meeting", everyone(404), kwargs=lambda w: {"slug": w.cp_a.slug, "pk": 0}),
            Case(
                "POST is not allowed",
                everyone(405),
                kwargs=information_meeting_kwargs("cp_a"),
                method="post",
            ),
        ]
        for name in ("directory:information_meeting", "directory:information_meeting_ics")
    },
    # The staff's side of information meetings: the contact point's own staff only.
    "directory_staff:information_meetings": [
        Case("CP-A", staff_area(contact_point_staff=200), kwargs=lambda w: {"slug": w.cp_a.slug}),
        Case("CP-B", staff_area(), kwargs=lambda w: {"slug": w.cp_b.slug}),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "directory_staff:information_meeting_create": [
        Case("CP-A", staff_area(contact_point_staff=200), kwargs=lambda w: {"slug": w.cp_a.slug}),
        Case("CP-B", staff_area(), kwargs=lambda w: {"slug": w.cp_b.slug}),
        Case(
            "empty POST shows the form again",
            staff_area(contact_point_staff=200),
            kwargs=lambda w: {"slug": w.cp_a.slug},
            method="post",
            check=lambda w: assert_no_information_meetings(),
        ),
        Case(
            "POST by outsiders to CP-B",
            staff_area(),
            kwargs=lambda w: {"slug": w.cp_b.slug},
            method="post",
            data={"date": "2099-01-01", "start": "18:00", "end": "19:00", "place": "X"},
            check=lambda w: assert_no_information_meetings(),
        ),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "directory_staff:information_meeting_edit": [
        Case(
            "CP-A's meeting",
            staff_area(contact_point_staff=200),
            kwargs=information_meeting_kwargs("cp_a"),
        ),
        Case("CP-B's meeting", staff_area(), kwargs=information_meeting_kwargs("cp_b")),
        Case(
            "CP-B's meeting through CP-A's address",
            staff_area(),
            kwargs=information_meeting_kwargs("cp_b", under="cp_a"),
        ),
        Case(
            "POST by outsiders to CP-B's meeting",
            staff_area(),
            kwargs=information_meeting_kwargs("cp_b"),
            method="post",
            data={"date": "2099-01-01", "start": "09:00", "end": "10:00", "place": "X"},
            check=lambda w: information_meetings_untouched(),
        ),
        Case(
            "unknown meeting",
            staff_area(),
            kwargs=lambda w: {"slug": w.cp_a.slug, "pk": 0},
        ),
    ],
    "directory_staff:information_meeting_cancel": [
        Case(
            "CP-A's meeting",
            staff_area(
                contact_point_staff=Redirect(
                    "/personale/kontaktpunkt/kp-alfa/informasjonsmoter/", exact=True
                )
            ),
            kwargs=information_meeting_kwargs("cp_a"),
            method="post",
        ),
        Case(
            "CP-B's meeting",
            staff_area(),
            kwargs=information_meeting_kwargs("cp_b"),
            method="post",
            check=lambda w: information_meetings_untouched(),
        ),
        Case(
            "CP-B's meeting through CP-A's address",
            staff_area(),
            kwargs=information_meeting_kwargs("cp_b", under="cp_a"),
            method="post",
            check=lambda w: information_meetings_untouched(),
        ),
        Case(
            "GET is not allowed",
            logged_in(405, **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP)),
            kwargs=information_meeting_kwargs("cp_a"),
        ),
    ],
    # A contact point's own entry and reports: its contact-point staff only.
    "directory_staff:entry_edit": [
        Case("CP-A", staff_area(contact_point_staff=200), kwargs=lambda w: {"slug": w.cp_a.slug}),
        Case("CP-B", staff_area(), kwargs=lambda w: {"slug": w.cp_b.slug}),
        Case(
            "POST by outsiders to CP-B",
            staff_area(),
            kwargs=lambda w: {"slug": w.cp_b.slug},
            method="post",
            data={"public_phone": "123"},
            check=lambda w: entry_unchanged(w.cp_b),
        ),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "directory_staff:reports": [
        Case("CP-A", staff_area(contact_point_staff=200), kwargs=lambda w: {"slug": w.cp_a.slug}),
        Case("CP-B", staff_area(), kwargs=lambda w: {"slug": w.cp_b.slug}),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "directory_staff:report_handled": [
        Case(
            "CP-A",
            staff_area(
                contact_point_staff=Redirect(
                    "/personale/kontaktpunkt/kp-alfa/endringsmeldinger/", exact=True
                )
            ),
            kwargs=lambda w: {"slug": w.cp_a.slug, "pk": change_report_for(w.cp_a)},
            method="post",
        ),
        Case(
            "CP-B's report",
            staff_area(),
            kwargs=lambda w: {"slug": w.cp_b.slug, "pk": change_report_for(w.cp_b)},
            method="post",
            check=lambda w: no_handled_reports(),
        ),
        Case(
            "CP-B's report through CP-A's address",
            staff_area(),
            kwargs=lambda w: {"slug": w.cp_a.slug, "pk": change_report_for(w.cp_b)},
            method="post",
            check=lambda w: no_handled_reports(),
        ),
        Case(
            "GET is not allowed",
            logged_in(405, **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP)),
            kwargs=lambda w: {"slug": w.cp_a.slug, "pk": change_report_for(w.cp_a)},
        ),
    ],
    "organisations:staff_invitations": [
        Case(
            "CP-A",
            staff_area(contact_point_staff=200, district_staff=200, national_admin=200),
            kwargs=lambda w: {"slug": w.cp_a.slug},
        ),
        Case(
            "CP-B",
            staff_area(district_staff_other=200, national_admin=200),
            kwargs=lambda w: {"slug": w.cp_b.slug},
        ),
        Case(
            "POST by outsiders to CP-B",
            staff_area(district_staff_other=None, national_admin=None),
            kwargs=lambda w: {"slug": w.cp_b.slug},
            method="post",
            data={"email": "utenfra@example.org", "kind": "contact_point_staff"},
            check=lambda w: assert_not_invited("utenfra@example.org"),
        ),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "staff_invitation_accept": [
        Case("unknown token", logged_in(404), kwargs=lambda w: {"token": "finnes-ikke"}),
        Case(
            "sent to another address",
            logged_in(200),
            kwargs=lambda w: {"token": matrix_invitation(w).token},
        ),
        Case(
            "POST with another address",
            logged_in(200),
            kwargs=lambda w: {"token": matrix_invitation(w).token},
            method="post",
            check=lambda w: assert_not_accepted(matrix_invitation(w)),
        ),
    ],
    # Deciding together (decisions): inside pages for participants only.
    # Group G is starting: members cannot propose yet and the initiator's
    # "start" is refused (it has started), so the cases change nothing (checked).
    "decisions:proposals": [
        Case("group G", PARTICIPANTS_200, kwargs=group_token("group")),
        Case("group in district B", logged_in(404), kwargs=group_token("group_b")),
        Case("POST is not allowed", logged_in(405), kwargs=group_token("group"), method="post"),
    ],
    "decisions:propose": [
        Case(
            "nothing to propose during the start",
            inside(TO_INSIDE_G),
            kwargs=lambda w: {"token": w.group.inside_token, "kind": "pause"},
        ),
        Case(
            "ending during the start asks first, on a page of its own",
            {**inside(TO_INSIDE_G), "initiator": 200},
            kwargs=lambda w: {"token": w.group.inside_token, "kind": "end"},
            check=state_is("group", Group.State.STARTING),
        ),
        Case(
            "refused with a message, group G",
            inside(200),
            kwargs=lambda w: {"token": w.group.inside_token, "kind": "start"},
            method="post",
            data={"note": ""},
            check=state_is("group", Group.State.STARTING),
        ),
        Case(
            "unknown kind",
            inside(404),
            kwargs=lambda w: {"token": w.group.inside_token, "kind": "explode"},
        ),
        Case(
            "group in district B",
            logged_in(404),
            kwargs=lambda w: {"token": w.group_b.inside_token, "kind": "end"},
            method="post",
            check=state_is("group_b", Group.State.SELF_RUN),
        ),
    ],
    "decisions:answer": [
        Case(
            "unknown proposal",
            inside(404),
            kwargs=lambda w: {"token": w.group.inside_token, "pk": 999999},
            method="post",
            data={"answer": "yes"},
        ),
        Case(
            "B's proposal under G's address",
            inside(404),
            kwargs=lambda w: {"token": w.group.inside_token, "pk": proposal_in_b(w)},
            method="post",
            data={"answer": "yes"},
            check=lambda w: assert_proposal_untouched(proposal_in_b(w)),
        ),
        Case(
            "group in district B",
            logged_in(404),
            kwargs=lambda w: {"token": w.group_b.inside_token, "pk": proposal_in_b(w)},
            method="post",
            data={"answer": "yes"},
            check=lambda w: assert_proposal_untouched(proposal_in_b(w)),
        ),
        Case(
            "GET is not allowed",
            logged_in(405),
            kwargs=lambda w: {"token": w.group.inside_token, "pk": 1},
        ),
    ],
    "decisions:withdraw": [
        Case(
            "B's proposal under G's address",
            inside(404),
            kwargs=lambda w: {"token": w.group.inside_token, "pk": proposal_in_b(w)},
            method="post",
            check=lambda w: assert_proposal_untouched(proposal_in_b(w)),
        ),
        Case(
            "group in district B",
            logged_in(404),
            kwargs=lambda w: {"token": w.group_b.inside_token, "pk": proposal_in_b(w)},
            method="post",
            check=lambda w: assert_proposal_untouched(proposal_in_b(w)),
        ),
        Case(
            "GET is not allowed",
            logged_in(405),
            kwargs=lambda w: {"token": w.group.inside_token, "pk": 1},
        ),
    ],
    # The initiators' guide to the first meetings: initiators only (members 404).
    "groups:starting_guide": [
        Case("group G", INITIATORS_200, kwargs=group_token("group")),
        Case("group in district B", logged_in(404), kwargs=group_token("group_b")),
    ],
    "groups:starting_guide_tick": [
        Case(
            "unknown item, group G",
            only_initiators(Redirect("/inne/Gk4711alfa/oppstart/", exact=True)),
            kwargs=group_token("group"),
            method="post",
            data={"item": "finnes-ikke", "ticked": "on"},
            check=lambda w: assert_no_ticks(),
        ),
        Case(
            "group in district B",
            logged_in(404),
            kwargs=group_token("group_b"),
            method="post",
            data={"item": "m1_welcome", "ticked": "on"},
            check=lambda w: assert_no_ticks(),
        ),
        Case("GET is not allowed", logged_in(405), kwargs=group_token("group")),
    ],
    "groups:step_back": [
        # The digital group is still forming: the initiator is told to wait.
        Case(
            "forming group",
            inside(Redirect("/inne/Dg0815alfa/", exact=True), unsigned=TO_SIGN_DIGITAL),
            kwargs=group_token("digital_group"),
            method="post",
            check=state_is("digital_group", Group.State.FORMING),
        ),
        Case("group in district B", logged_in(404), kwargs=group_token("group_b"), method="post"),
        Case("GET is not allowed", logged_in(405), kwargs=group_token("group")),
    ],
    "groups:support_request": [
        Case("form", PARTICIPANTS_200, kwargs=group_token("group")),
        Case(
            "empty message",
            PARTICIPANTS_200,
            kwargs=group_token("group"),
            method="post",
            data={"message": ""},
            check=lambda w: no_support_requests(),
        ),
        Case("group in district B", logged_in(404), kwargs=group_token("group_b")),
    ],
    # The confidentiality pledge: the one page inside a group an unsigned
    # participant may open; changing the group's lines is behind the gate.
    "pledges:sign": [
        Case("group G", inside(200, unsigned=200), kwargs=group_token("group")),
        Case(
            "wrong name saves nothing",
            inside(200, unsigned=200),
            kwargs=group_token("group"),
            method="post",
            data={"pledge_version": "1", "lines_revision": "0", "promise": "on", "typed_name": "X"},
            check=lambda w: no_signature_by(w, "member_unsigned"),
        ),
        Case("group in district B", logged_in(404), kwargs=group_token("group_b")),
        Case("draft group", logged_in(404), kwargs=group_token("draft_group")),
        Case("unknown token", logged_in(404), kwargs=lambda w: {"token": "finnes-ikke"}),
    ],
    "pledges:group_lines": [
        Case("form, group G", inside(200), kwargs=group_token("group")),
        Case(
            "empty POST changes nothing",
            inside(TO_INSIDE_G),
            kwargs=group_token("group"),
            method="post",
            data={"text": ""},
            check=lambda w: no_group_lines(w.group),
        ),
        Case("group in district B", logged_in(404), kwargs=group_token("group_b")),
    ],
    "pledges:mine": [Case("page", logged_in(200))],
    # Reminder settings: one's own only. The neutral link in messages leads
    # participants of the meeting's group to it; everyone else gets 404.
    "meetings:reminders": [
        Case("page", logged_in(200)),
        Case(
            "save",
            logged_in(Redirect("/profil/varsler/", exact=True)),
            method="post",
            data={"lead_hours": "12", "channel": "email"},
        ),
        Case(
            "SMS without a phone number",
            logged_in(200),
            method="post",
            data={"lead_hours": "12", "channel": "sms"},
        ),
    ],
    "meetings:message_link": [
        Case(
            "meeting of G",
            inside(Redirect("/inne/Gk4711alfa/moter/")),
            kwargs=lambda w: {"pk": meeting_in(w, "group", days=3).pk},
        ),
        Case(
            "meeting in district B",
            logged_in(404),
            kwargs=lambda w: {"pk": meeting_in(w, "group_b", days=3).pk},
        ),
        Case("unknown meeting", logged_in(404), kwargs=lambda w: {"pk": 999999}),
    ],
    # Profile: one's own account only.
    "accounts:profile": [Case("page", logged_in(200))],
    "accounts:profile_edit": [
        Case("form", logged_in(200)),
        Case(
            "save",
            logged_in(TO_PROFILE),
            method="post",
            data={"display_name": "Nytt Kallenavn", "phone": "41234567", "language": "nb"},
        ),
    ],
    # Confirming one's own mobile number: no ids in the URL, only the session's
    # own account and number. Nobody in the world has an unconfirmed number, so
    # everyone logged in is sent back to the profile.
    "accounts:phone_send_code": [
        Case("GET is not allowed", logged_in(405)),
        Case("send", logged_in(TO_PROFILE), method="post"),
    ],
    "accounts:phone_confirm": [
        Case("page", logged_in(TO_PROFILE)),
        Case("confirm", logged_in(TO_PROFILE), method="post", data={"code": "BBBB-BBBB"}),
    ],
    # Data rights: the page explains; the download and the deletion ask for the
    # password again first (allauth reauthentication), whoever asks.
    "privacy:data_export": [
        Case("page", logged_in(200)),
        Case("download", logged_in(TO_REAUTHENTICATE), method="post"),
    ],
    "privacy:account_delete": [
        Case("page", logged_in(200)),
        Case("delete", logged_in(TO_REAUTHENTICATE), method="post", data={"confirm": "DELETE"}),
    ],
    # Staff area: TOTP-confirmed sessions; each office sees its own scope.
    "staff:staff_home": [
        Case("page", staff_area(**dict.fromkeys(WITH_TOTP, 200))),
    ],
    "staff:district_detail": [
        Case(
            "district A",
            staff_area(district_staff=200, national_admin=200),
            kwargs=lambda w: {"slug": w.district_a.slug},
        ),
        Case(
            "district B",
            staff_area(district_staff_other=200, national_admin=200),
            kwargs=lambda w: {"slug": w.district_b.slug},
        ),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "staff:contact_point_detail": [
        Case(
            "CP-A",
            staff_area(contact_point_staff=200, district_staff=200, national_admin=200),
            kwargs=lambda w: {"slug": w.cp_a.slug},
        ),
        Case(
            "CP-B",
            staff_area(district_staff_other=200, national_admin=200),
            kwargs=lambda w: {"slug": w.cp_b.slug},
        ),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    # Interest list: one's own registrations and invitations (others: 404).
    "interest:mine": [Case("page", logged_in(200))],
    "interest:register": [
        Case("form", logged_in(200)),
        Case("empty POST shows errors", logged_in(200), method="post"),
    ],
    "interest:withdraw": [
        Case(
            "the seeker's registration",
            logged_in(404, seeker=Redirect("/interesse/", exact=True)),
            kwargs=lambda w: {"pk": seeker_registration(w).pk},
            method="post",
        ),
        Case(
            "GET is not allowed",
            logged_in(405),
            kwargs=lambda w: {"pk": seeker_registration(w).pk},
        ),
    ],
    "interest:invitation_respond": [
        Case(
            "the seeker's invitation",
            logged_in(404, seeker=Redirect("/interesse/", exact=True)),
            kwargs=lambda w: {"pk": seeker_invitation(w).pk},
            method="post",
            data={"answer": "decline"},
        ),
        Case("unknown invitation", logged_in(404), kwargs=lambda w: {"pk": 0}, method="post"),
        Case(
            "GET is not allowed",
            logged_in(405),
            kwargs=lambda w: {"pk": seeker_invitation(w).pk},
        ),
    ],
    # Joining (joining.urls): the seeker's own requests and waiting-list places,
    # and the group's requests page and leave button inside the group.
    "joining:mine": [Case("page", logged_in(200))],
    "joining:request": [
        Case("group G", logged_in(200), kwargs=group_slug("group")),
        Case(
            "too long a message changes nothing",
            logged_in(200),
            kwargs=group_slug("group"),
            method="post",
            data={"message": "x" * 301},
            check=lambda w: no_join_requests(),
        ),
        Case("draft group", logged_in(404), kwargs=group_slug("draft_group")),
        Case("ended group", logged_in(404), kwargs=group_slug("ended_group")),
        Case("unknown slug", logged_in(404), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "joining:withdraw": [
        Case(
            "someone else's request",
            logged_in(404),
            kwargs=lambda w: {"pk": join_request_in_b(w)},
            method="post",
            check=lambda w: assert_still_pending(join_request_in_b(w)),
        ),
        Case("GET is not allowed", logged_in(405), kwargs=lambda w: {"pk": 0}),
    ],
    "joining:waiting_list_join": [
        Case(
            "group G has free seats",
            logged_in(Redirect("/grupper/tirsdagsgruppa-alfa/", exact=True)),
            kwargs=group_slug("group"),
            method="post",
            check=lambda w: no_waiting_list(),
        ),
        Case("draft group", logged_in(404), kwargs=group_slug("draft_group"), method="post"),
        Case("GET is not allowed", logged_in(405), kwargs=group_slug("group")),
    ],
    "joining:waiting_list_respond": [
        Case("unknown entry", logged_in(404), kwargs=lambda w: {"pk": 0}, method="post"),
        Case("GET is not allowed", logged_in(405), kwargs=lambda w: {"pk": 0}),
    ],
    "joining:group_requests": [
        Case("group G", PARTICIPANTS_200, kwargs=group_token("group")),
        Case("group in district B", logged_in(404), kwargs=group_token("group_b")),
        Case("draft group", logged_in(404), kwargs=group_token("draft_group")),
        Case("unknown token", logged_in(404), kwargs=lambda w: {"token": "finnes-ikke"}),
        Case("POST is not allowed", logged_in(405), kwargs=group_token("group"), method="post"),
    ],
    "joining:answer": [
        Case(
            "another group's request id",
            inside(404),
            kwargs=lambda w: {"token": w.group.inside_token, "pk": join_request_in_b(w)},
            method="post",
            data={"answer": "yes"},
            check=lambda w: assert_still_pending(join_request_in_b(w)),
        ),
        Case(
            "group in district B",
            logged_in(404),
            kwargs=lambda w: {"token": w.group_b.inside_token, "pk": join_request_in_b(w)},
            method="post",
            data={"answer": "yes"},
            check=lambda w: assert_still_pending(join_request_in_b(w)),
        ),
        Case(
            "GET is not allowed",
            logged_in(405),
            kwargs=lambda w: {"token": w.group.inside_token, "pk": 0},
        ),
    ],
    # No URL removes another member: each person can only leave themselves.
    "joining:leave": [
        Case(
            "group in district B",
            logged_in(404),
            kwargs=group_token("group_b"),
            method="post",
            check=lambda w: assert_active_in_b(w),
        ),
        Case(
            "initiators step back instead",
            everyone(None, initiator=TO_INSIDE_G),
            kwargs=group_token("group"),
            method="post",
            check=lambda w: assert_initiator_active(w),
        ),
        Case("GET is not allowed", logged_in(405), kwargs=group_token("group")),
    ],
    # Interest lists in the staff area: the contact point's own staff only.
    # District statistics: district staff (their district) and national admins.
    # Anonymous feedback: the questions answer 404 to all but a member whose
    # occasion is open (the former member left just now); staff pages per role.
    "feedback:answer": [
        Case(
            "G: only the member who just left",
            logged_in(404, former_member=200),
            kwargs=group_token("group"),
        ),
        Case(
            "G, posted by others",
            logged_in(404, former_member=None),
            kwargs=group_token("group"),
            method="post",
            data={"works": "3", "safe": "yes"},
            check=lambda w: no_feedback(),
        ),
        Case("group B", logged_in(404), kwargs=group_token("group_b")),
        Case("unknown token", logged_in(404), kwargs=lambda w: {"token": "finnes-ikke"}),
    ],
    # The message board (board.views): inside pages for signed participants;
    # someone else's post and another group's post answer 404.
    "board:board": [
        Case("group G", PARTICIPANTS_200, kwargs=group_token("group")),
        Case(
            "an empty post is refused, G",
            inside(200),
            kwargs=group_token("group"),
            method="post",
            data={"body": "  "},
            check=board_posts_are(0),
        ),
        Case(
            "group in district B",
            logged_in(404),
            kwargs=group_token("group_b"),
            method="post",
            data={"body": "Hei"},
            check=board_posts_are(0),
        ),
        Case(
            "digital group",
            inside(200, unsigned=TO_SIGN_DIGITAL),
            kwargs=group_token("digital_group"),
        ),
        Case("draft group", logged_in(404), kwargs=group_token("draft_group")),
        Case(
            "ended group, nobody in it",
            logged_in(404),
            kwargs=group_token("ended_group"),
            method="post",
            data={"body": "Hei"},
            check=board_posts_are(0),
        ),
        Case("unknown token", logged_in(404), kwargs=lambda w: {"token": "finnes-ikke"}),
    ],
    "board:delete": [
        Case(
            "the member's own post in G",
            {**inside(404), "member": 200},
            kwargs=board_post_kwargs("group", "member"),
        ),
        Case(
            "another member's post in G",
            inside(404),
            kwargs=board_post_kwargs("group", "other_member"),
            method="post",
            check=board_posts_are(1),
        ),
        Case(
            "B's post under G's address",
            inside(404),
            kwargs=board_post_kwargs("group_b", "member_b", under="group"),
            method="post",
            check=board_posts_are(1),
        ),
        Case(
            "B's post",
            logged_in(404),
            kwargs=board_post_kwargs("group_b", "member_b"),
            method="post",
            check=board_posts_are(1),
        ),
    ],
    "board:notices": [
        Case("GET is not allowed", logged_in(405), kwargs=group_token("group")),
        Case(
            "turn off, G",
            inside(TO_BOARD_G),
            kwargs=group_token("group"),
            method="post",
            data={"notices": "off"},
        ),
        Case(
            "group in district B",
            logged_in(404),
            kwargs=group_token("group_b"),
            method="post",
            data={"notices": "off"},
        ),
    ],
    "feedback:contact_point": [
        Case("CP-A", staff_area(contact_point_staff=200), kwargs=lambda w: {"slug": w.cp_a.slug}),
        Case("CP-B", staff_area(), kwargs=lambda w: {"slug": w.cp_b.slug}),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "feedback:district": [
        Case(
            "own scope",
            staff_area(district_staff=200, district_staff_other=200, national_admin=200),
        ),
    ],
    "monitoring:dashboard": [
        Case(
            "own scope",
            staff_area(district_staff=200, district_staff_other=200, national_admin=200),
        ),
        Case(
            "district B named",
            staff_area(district_staff_other=200, national_admin=200),
            query="distrikt=distrikt-b",
        ),
        Case("unknown district", staff_area(), query="distrikt=finnes-ikke"),
    ],
    "monitoring:export_csv": [
        Case(
            "states",
            staff_area(district_staff=200, district_staff_other=200, national_admin=200),
            kwargs=lambda w: {"table": "states"},
        ),
        Case(
            "district A named",
            staff_area(district_staff=200, national_admin=200),
            kwargs=lambda w: {"table": "follow_up"},
            query="distrikt=distrikt-a",
        ),
        Case("unknown table", staff_area(), kwargs=lambda w: {"table": "medlemmer"}),
    ],
    "interest_staff:home": [
        Case(
            "goes to the only contact point",
            staff_area(contact_point_staff=Redirect("/personale/interesse/kp-alfa/", exact=True)),
        ),
    ],
    "interest_staff:overview": [
        Case("CP-A", staff_area(contact_point_staff=200), kwargs=lambda w: {"slug": w.cp_a.slug}),
        Case("CP-B", staff_area(), kwargs=lambda w: {"slug": w.cp_b.slug}),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "interest_staff:start_group": [
        Case(
            "CP-A, digital",
            staff_area(contact_point_staff=200),
            kwargs=lambda w: start_kwargs(w, w.cp_a, "digital"),
        ),
        # An invalid form: staff see it again, nothing is created.
        Case(
            "CP-A, empty POST",
            staff_area(contact_point_staff=200),
            kwargs=lambda w: start_kwargs(w, w.cp_a, "digital"),
            method="post",
            check=lambda w: _no_groups_created(w),
        ),
        Case("CP-B", staff_area(), kwargs=lambda w: start_kwargs(w, w.cp_b, "digital")),
        Case(
            "in person without a kommune",
            staff_area(),
            kwargs=lambda w: start_kwargs(w, w.cp_a, "in_person"),
        ),
        Case("unknown format", staff_area(), kwargs=lambda w: start_kwargs(w, w.cp_a, "annet")),
    ],
    # Setting up groups: contact-point staff of the group's contact point and
    # the group's active initiators (initiators need TOTP first, see above).
    "staff:group_create": [
        Case("form", staff_area(contact_point_staff=200)),
        Case(
            "empty form",
            staff_area(contact_point_staff=200),
            method="post",
            check=lambda w: group_count_is(5),
        ),
    ],
    "staff:group_staff_detail": [
        Case("group G", staff_area(contact_point_staff=200), kwargs=group_slug("group")),
        Case("draft group", staff_area(contact_point_staff=200), kwargs=group_slug("draft_group")),
        Case("group in district B", staff_area(), kwargs=group_slug("group_b")),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    # The exact place and the link are write-only for staff: never shown.
    "staff:group_edit": [
        Case("draft group", staff_area(contact_point_staff=200), kwargs=group_slug("draft_group")),
        Case(
            "forming digital group",
            staff_area(contact_point_staff=200),
            kwargs=group_slug("digital_group"),
        ),
        Case(
            "started group",
            staff_area(contact_point_staff=TO_STAFF_G),
            kwargs=group_slug("group"),
        ),
        Case("group in district B", staff_area(), kwargs=group_slug("group_b")),
    ],
    # Who guides the start: the contact point's staff and the group's initiators
    # (initiators need TOTP first, as for every staff page).
    "staff:group_initiators": [
        Case("group G", staff_area(contact_point_staff=200), kwargs=group_slug("group")),
        Case(
            "an invalid address invites nobody",
            staff_area(contact_point_staff=200),
            kwargs=group_slug("group"),
            method="post",
            data={"email": "ikke-en-adresse"},
            check=lambda w: assert_not_invited("ikke-en-adresse"),
        ),
        Case("group in district B", staff_area(), kwargs=group_slug("group_b")),
        Case("unknown slug", staff_area(), kwargs=lambda w: {"slug": "finnes-ikke"}),
    ],
    "staff:group_initiator_self": [
        Case(
            "an ended group needs no initiator",
            staff_area(
                contact_point_staff=Redirect(
                    "/personale/grupper/avsluttet-alfa/igangsettere/", exact=True
                )
            ),
            kwargs=group_slug("ended_group"),
            method="post",
            check=lambda w: assert_no_initiator(w.ended_group),
        ),
        Case(
            "group in district B",
            staff_area(),
            kwargs=group_slug("group_b"),
            method="post",
            check=lambda w: assert_no_initiator(w.group_b),
        ),
        Case(
            "GET is not allowed",
            logged_in(405, **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP)),
            kwargs=group_slug("group"),
        ),
    ],
    "staff:group_staff_action": [
        Case(
            "not allowed now",
            staff_area(contact_point_staff=TO_STAFF_G),
            kwargs=lambda w: {"slug": w.group.slug, "action": "resume"},
            method="post",
            check=state_is("group", Group.State.STARTING),
        ),
        Case(
            "group in district B",
            staff_area(),
            kwargs=lambda w: {"slug": w.group_b.slug, "action": "end"},
            method="post",
            check=state_is("group_b", Group.State.SELF_RUN),
        ),
        Case(
            "GET is not allowed",
            logged_in(405, **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP)),
            kwargs=lambda w: {"slug": w.group.slug, "action": "end"},
        ),
    ],
    # Follow-up contacts only: contact-point staff and initiators who stepped back.
    "staff:support_requests": [Case("page", staff_area(contact_point_staff=200))],
    # The audit trail: national administrators only (organisations.views_audit).
    "audit_log": [
        Case("page", staff_area(national_admin=200)),
        Case("one family", staff_area(national_admin=200), query="event=account.*"),
        Case("unknown event", staff_area(national_admin=400), query="event=finnes.ikke"),
        Case("odd page number", staff_area(national_admin=200), query="page=-1"),
        # require_GET runs before the role check: 405 for every logged-in role alike.
        Case(
            "POST is not allowed",
            logged_in(405, **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP)),
            method="post",
        ),
    ],
    "staff:support_answer": [
        Case(
            "empty answer, group G",
            staff_area(contact_point_staff=Redirect("/personale/stotte/", exact=True)),
            kwargs=lambda w: {"pk": support_request_for(w.group)},
            method="post",
            check=lambda w: no_answers(),
        ),
        Case(
            "group in district B",
            staff_area(),
            kwargs=lambda w: {"pk": support_request_for(w.group_b)},
            method="post",
            data={"answer": "Hei"},
            check=lambda w: no_answers(),
        ),
    ],
    # Public JSON API: the same for everyone, and only a group's public face.
    "api:api-root": [Case("no index", everyone(404))],
    "api:openapi-json": [public("schema")],
    "api:openapi-view": [public("docs")],
    "api:search_groups": [
        public("by place", query="q=Alfakommune"),
        public("digital only", query="format=digital"),
    ],
    "api:search_groups_post": [
        Case(
            "by place",
            everyone(200),
            method="post",
            data={"q": "Alfakommune"},
            content_type="application/json",
        ),
    ],
    "api:meeting_guide_feed": [public("feed")],
    # Statistics as JSON: like the page, but 404 (JSON) instead of a login redirect.
    "api:statistics": [
        Case(
            "own scope",
            everyone(404, district_staff=200, district_staff_other=200, national_admin=200),
        ),
        Case(
            "district B named",
            everyone(404, district_staff_other=200, national_admin=200),
            query="distrikt=distrikt-b",
        ),
        Case(
            "reversed months",
            everyone(404, district_staff=400, district_staff_other=400, national_admin=400),
            query="fra=2026-05&til=2026-01",
        ),
    ],
    "api:group_detail": [
        public("group G", kwargs=group_slug("group")),
        public("digital group", kwargs=group_slug("digital_group")),
        Case("draft group", everyone(404), kwargs=group_slug("draft_group")),
        Case("ended group", everyone(404), kwargs=group_slug("ended_group")),
    ],
    "api:places": [public("suggestions", query="q=Alfa")],
    # allauth: accounts. Logged-in users are sent away from login and sign-up.
    "account_login": [Case("page", everyone(TO_PROFILE, anonymous=200))],
    "account_logout": [
        Case("confirm page", everyone(200, anonymous=Redirect("/", exact=True))),
        Case("log out", everyone(Redirect("/", exact=True)), method="post"),
    ],
    "account_inactive": [public()],
    "account_signup": [Case("page", everyone(TO_PROFILE, anonymous=200))],
    "account_signup_phone": [Case("page", everyone(TO_PROFILE, anonymous=200))],
    "account_reauthenticate": [Case("page", logged_in(200))],
    "account_email": [Case("page", logged_in(200))],
    "account_email_verification_sent": [
        Case(
            "page",
            everyone(
                Redirect("/konto/email/", exact=True),
                anonymous=Redirect("/konto/login/", exact=True),
            ),
        )
    ],
    "account_change_password": [Case("page", logged_in(200))],
    "account_set_password": [
        Case("page", logged_in(Redirect("/konto/password/change/", exact=True)))
    ],
    "account_reset_password": [public()],
    "account_reset_password_done": [public()],
    "account_reset_password_from_key": [
        public("invalid key", kwargs=lambda w: {"uidb36": "1", "key": "ugyldig-nokkel"})
    ],
    "account_reset_password_from_key_done": [public()],
    "account_request_login_code": [Case("page", everyone(TO_PROFILE, anonymous=200))],
    "account_confirm_login_code": [
        Case(
            "without a pending code",
            everyone(TO_PROFILE, anonymous=Redirect("/konto/login/code/", exact=True)),
        )
    ],
    # allauth: MFA. Sensitive steps ask for the password again first.
    "mfa_index": [Case("page", logged_in(200))],
    "mfa_authenticate": [
        Case(
            "without a pending login",
            everyone(TO_PROFILE, anonymous=Redirect("/konto/login/", exact=True)),
        )
    ],
    "mfa_reauthenticate": [
        Case("page", logged_in(TO_REAUTH, **dict.fromkeys(WITH_TOTP, 200))),
    ],
    "mfa_activate_totp": [Case("page", logged_in(TO_REAUTH))],
    "mfa_deactivate_totp": [
        Case("page", logged_in(404, **dict.fromkeys(WITH_TOTP, TO_REAUTH))),
    ],
    "mfa_view_recovery_codes": [Case("none generated", logged_in(404))],
    "mfa_generate_recovery_codes": [Case("page", logged_in(TO_REAUTH))],
    "mfa_download_recovery_codes": [Case("none generated", logged_in(404))],
    # Django admin, site-wide views. Model views: see ADMIN_MODELS below.
    "admin:index": [Case("page", admin_area())],
    "admin:login": [
        Case(
            "login",
            everyone(
                404,
                anonymous=Redirect("/konto/login/?next=/admin/", exact=True),
                **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP),
                national_admin=Redirect("/admin/", exact=True),
            ),
        ),
        Case(
            "off-site next is ignored",
            everyone(
                404,
                anonymous=Redirect("/konto/login/?next=/admin/", exact=True),
                **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP),
                national_admin=Redirect("/admin/", exact=True),
            ),
            query="next=https://evil.example/",
        ),
        Case(
            "POST never reaches a password form",
            everyone(
                404,
                anonymous=Redirect("/konto/login/?next=/admin/", exact=True),
                **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP),
                national_admin=Redirect("/admin/", exact=True),
            ),
            method="post",
            data={"username": "x@example.org", "password": "gjett"},
        ),
    ],
    "admin:logout": [
        # Django's admin_view sends visitors without access to the index.
        Case(
            "GET",
            everyone(
                Redirect("/admin/", exact=True),
                **dict.fromkeys(NO_TOTP_STAFF, TO_TOTP_SETUP),
                national_admin=405,
            ),
        ),
    ],
    "admin:password_change": [Case("page", admin_area())],
    "admin:password_change_done": [Case("page", admin_area())],
    # Without app_label/model_name/field_name the view refuses (403).
    "admin:autocomplete": [Case("without parameters", admin_area(national_admin=403))],
    "admin:jsi18n": [Case("page", admin_area())],
    "admin:view_on_site": [
        Case(
            "group G",
            # The test client's host: the shortcut redirects to a full URL.
            admin_area(national_admin=Redirect("http://testserver/grupper/tirsdagsgruppa-alfa/")),
            kwargs=lambda w: {
                "content_type_id": ContentType.objects.get_for_model(Group).pk,
                "object_id": w.group.pk,
            },
        )
    ],
    "admin:app_list": [Case("groups app", admin_area(), kwargs=lambda w: {"app_label": "groups"})],
    "admin:auth_user_password_change": [
        Case("member", admin_area(), kwargs=lambda w: {"id": w.user("member").pk})
    ],
    "<unnamed> admin/(?P<url>.*)$": [
        Case("unknown admin page", admin_area(national_admin=404), path=lambda w: "/admin/nope/")
    ],
}


# --- Pledge checks ---------------------------------------------------------------


def no_signature_by(world: World, role: str) -> None:
    assert not PledgeSignature.objects.filter(membership__user=world.user(role)).exists()


def no_group_lines(group: Group) -> None:
    assert not GroupPledgeLines.objects.filter(group=group).exclude(revision=0).exists()


# --- Interest list objects, made on first use inside the module's world -------


def seeker_registration(world: World) -> InterestRegistration:
    registration, _ = InterestRegistration.objects.get_or_create(
        user=world.user("seeker"),
        theme=world.theme,
        format=InterestRegistration.Format.DIGITAL,
        defaults={"expires_at": timezone.now() + datetime.timedelta(days=365)},
    )
    return registration


def seeker_invitation(world: World) -> GroupInvitation:
    invitation, _ = GroupInvitation.objects.get_or_create(
        group=world.digital_group, user=world.user("seeker")
    )
    return invitation


def start_kwargs(world: World, contact_point: Any, format: str) -> dict[str, Any]:
    return {"slug": contact_point.slug, "theme": world.theme.slug, "format": format}


def _no_groups_created(world: World) -> None:
    assert not Group.objects.filter(contact_point=world.cp_a, created_by__isnull=False).exists()


# --- Admin models: one row per registered model, expanded by rule ----------


@dataclass(frozen=True)
class AdminModel:
    """A model in the admin: which object its detail pages use, and exceptions."""

    obj: Callable[[World], Any]
    overrides: dict[str, Expected] = field(default_factory=dict)  # view → national_admin


ADMIN_MODELS: dict[str, AdminModel] = {
    "auth_group": AdminModel(lambda w: w.permission_group),
    "account_emailaddress": AdminModel(lambda w: EmailAddress.objects.get(user=w.user("member"))),
    # Read-only, without the secret: it is a second factor (accounts/admin.py).
    "mfa_authenticator": AdminModel(
        lambda w: Authenticator.objects.get(user=w.user("district_staff")),
        {"add": 403},
    ),
    # The audit trail is append-only, even for national administrators.
    "core_auditevent": AdminModel(lambda w: w.audit_event, {"add": 403, "delete": 403}),
    "core_heartbeat": AdminModel(lambda w: w.heartbeat),
    "accounts_user": AdminModel(lambda w: w.user("member")),
    "places_fylke": AdminModel(lambda w: w.fylke_a),
    "places_kommune": AdminModel(lambda w: w.kommune_a),
    "places_postalcode": AdminModel(lambda w: postal_code(w)),
    "organisations_district": AdminModel(lambda w: w.district_a),
    "organisations_contactpoint": AdminModel(lambda w: w.cp_a),
    "organisations_staffrole": AdminModel(
        lambda w: StaffRole.objects.get(user=w.user("contact_point_staff"))
    ),
    "notifications_outgoingmessage": AdminModel(lambda w: outbox_message(w), {"add": 403}),
    "notifications_bouncedaddress": AdminModel(lambda w: bounced_address(w)),
    "groups_theme": AdminModel(lambda w: w.theme),
    "groups_group": AdminModel(lambda w: w.group),
    # A signed version cannot be deleted; what members signed stays on record.
    "pledges_pledge": AdminModel(lambda w: Pledge.objects.current(), {"delete": 403}),
}


def outbox_message(world: World) -> Any:
    from notifications.models import OutgoingMessage

    message, _ = OutgoingMessage.objects.get_or_create(
        key=f"seat_offer:matrix:u={world.user('seeker').pk}",
        defaults={
            "kind": "seat_offer",
            "recipient": world.user("seeker"),
            "params": {"entry": 0},
            "status": OutgoingMessage.Status.FAILED,
            "last_error": "SMTP 550",
        },
    )
    return message


def bounced_address(world: World) -> Any:
    from notifications.models import BouncedAddress

    bounce, _ = BouncedAddress.objects.get_or_create(
        address="bounce@example.org", defaults={"channel": "email", "reason": "SMTP 550"}
    )
    return bounce


def postal_code(world: World) -> Any:
    """A postal code from the gazetteer the migrations load (or one made here)."""
    model = apps.get_model("places", "PostalCode")
    existing = model.objects.order_by("code").first()
    return existing or model.objects.create(code="9998", place="Testby", kommune=world.kommune_a)


def _still_exists(spec: AdminModel) -> Callable[[World], None]:
    def check(world: World) -> None:
        obj = spec.obj(world)
        assert type(obj)._default_manager.filter(pk=obj.pk).exists(), f"{obj!r} was deleted"

    return check


def admin_model_urls(key: str, spec: AdminModel) -> dict[str, list[Case]]:
    """The six admin URLs of a model, with the rule's expectations."""

    def obj_id(w: World) -> dict[str, Any]:
        return {"object_id": spec.obj(w).pk}

    def expect(view: str) -> dict[str, Expected]:
        return admin_area(national_admin=spec.overrides.get(view, 200))

    # App labels here have no underscore; if one ever does, the completeness
    # test reports the mismatched keys.
    app_label, _, model_name = key.partition("_")
    route = f"admin/{app_label}/{model_name}/<path:object_id>/"
    return {
        f"admin:{key}_changelist": [Case("list", expect("changelist"))],
        f"admin:{key}_add": [Case("form", expect("add"))],
        f"admin:{key}_change": [Case("form", expect("change"), kwargs=obj_id)],
        f"admin:{key}_history": [Case("page", expect("history"), kwargs=obj_id)],
        f"admin:{key}_delete": [
            Case("confirm page", expect("delete"), kwargs=obj_id),
            # Outsiders' POSTs are refused before anything is deleted; the
            # national admin's own deletion is Django's business, not tested here.
            Case(
                "POST by outsiders",
                admin_area(national_admin=spec.overrides.get("delete")),
                kwargs=obj_id,
                method="post",
                data={"post": "yes"},
                check=_still_exists(spec),
            ),
        ],
        f"<unnamed> {route}": [
            Case(
                "old change URL",
                admin_area(national_admin=Redirect(f"/admin/{app_label}/{model_name}/")),
                path=lambda w: reverse(f"admin:{key}_change", kwargs=obj_id(w)).removesuffix(
                    "change/"
                ),
            )
        ],
    }


for _key, _spec in ADMIN_MODELS.items():
    URLS.update(admin_model_urls(_key, _spec))


# --- The resolver ------------------------------------------------------------


def walk(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Callable[..., Any]]]:
    """(table key, full route, view) for every URL pattern, depth first."""
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), route, p.callback
            else:
                yield f"<unnamed> {route}", route, p.callback


@functools.cache
def resolver_routes() -> dict[str, str]:
    routes: dict[str, str] = {}
    for key, route, _view in walk(get_resolver()):
        assert key not in routes, f"two URL patterns share the name {key!r}"
        routes[key] = route
    return routes


def table_differences(keys: Iterable[str]) -> tuple[list[str], list[str]]:
    """(patterns missing from ``URLS``, ``URLS`` keys that match no pattern)."""
    in_resolver = set(keys)
    return sorted(in_resolver - set(URLS)), sorted(set(URLS) - in_resolver)


def test_every_url_pattern_is_in_the_table():
    missing, unknown = table_differences(resolver_routes())
    assert not missing and not unknown, (
        "The permission matrix must list every URL pattern.\n"
        f"  In the resolver but not in URLS (add them, with expectations per role): {missing}\n"
        f"  In URLS but not in the resolver (remove them): {unknown}"
    )


def test_the_completeness_check_notices_a_new_url():
    """A project URLconf plus one view and one admin model nobody listed."""
    from django.contrib import admin
    from django.contrib.sessions.models import Session

    site = admin.AdminSite(name="admin")
    site.register(Session)
    urlconf = types.ModuleType("urlconf_with_additions")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        *get_resolver().url_patterns,
        path("grupper/<slug:slug>/hemmelig/", lambda request, slug: None, name="secret_page"),
        path("admin2/", site.urls),
    ]

    missing, unknown = table_differences(key for key, _, _ in walk(get_resolver(urlconf)))

    assert "secret_page" in missing
    assert "admin:sessions_session_change" in missing
    assert unknown == []


# --- The gate into a group -----------------------------------------------------

# Every route inside a group: /inne/<token>/…, and the old /grupper/<slug>/inne/…
INSIDE_ROUTE = re.compile(r"^(inne/<[^>]+>/|grupper/<[^>]+>/inne/)")
# Views outside that prefix that still answer about a group's inside.
INSIDE_ELSEWHERE = frozenset({"meetings:message_link"})
# The only inside pages a participant may open before signing the pledge.
# The old addresses only send participants on to the new ones, where the gate applies.
OPEN_TO_UNSIGNED = frozenset(
    {
        "pledges:sign",
        "joining:leave",
        "groups:inside_old_address",
        "groups:inside_old_address_below",
    }
)


def gate_problems(resolver: URLResolver) -> list[str]:
    """What is wrong with how the project's views pass ``groups.gate.group_inside``."""
    problems = []
    for key, route, view in walk(resolver):
        found = gate_of(view)
        is_inside = bool(INSIDE_ROUTE.match(route)) or key in INSIDE_ELSEWHERE
        if is_inside and found is None:
            problems.append(f"{key} ({route}) is inside a group but not wrapped in @group_inside")
        elif found is not None and not is_inside:
            problems.append(f"{key} ({route}) passes the gate: list it in INSIDE_ELSEWHERE")
        elif found is not None and found.unsigned != (key in OPEN_TO_UNSIGNED):
            problems.append(
                f"{key} ({route}) has unsigned={found.unsigned}; "
                f"only {sorted(OPEN_TO_UNSIGNED)} open to the unsigned"
            )
    return problems


def test_every_inside_view_passes_the_gate():
    """The unsigned roles' rows of ``test_matrix`` check what the gate does; this
    checks that no inside view goes around it, including ones no row covers yet."""
    inside_keys = {
        key
        for key, route, _view in walk(get_resolver())
        if INSIDE_ROUTE.match(route) or key in INSIDE_ELSEWHERE
    }
    assert len(inside_keys) >= 20, sorted(inside_keys)
    assert gate_problems(get_resolver()) == []


def test_the_gate_check_notices_a_view_without_the_gate():
    """A project URLconf plus an inside page that forgot the gate and two that misuse it."""
    from django.contrib.auth.decorators import login_required

    from groups.gate import group_inside

    def page(request: Any, **kwargs: Any) -> None:
        return None

    urlconf = types.ModuleType("urlconf_with_an_ungated_view")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        *get_resolver().url_patterns,
        path("grupper/<slug:slug>/inne/hemmelig/", login_required(page), name="forgot_the_gate"),
        path("grupper/<slug:slug>/inne/apent/", group_inside(unsigned=True)(page), name="open"),
        path("grupper/<slug:slug>/rundt/", group_inside(page), name="gated_elsewhere"),
    ]

    problems = gate_problems(get_resolver(urlconf))

    assert len(problems) == 3, problems
    assert "forgot_the_gate (grupper/<slug:slug>/inne/hemmelig/) is inside a group" in problems[0]
    assert problems[1].startswith("open (grupper/<slug:slug>/inne/apent/) has unsigned=True")
    assert problems[2].startswith("gated_elsewhere (grupper/<slug:slug>/rundt/) passes the gate")


# --- Requests ----------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[tuple[World, dict[str, str]]]:
    """One world and one session per role for the whole module, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        w = build_world()
        sessions = {}
        for role in ROLES:
            user = w.users[role]
            if user is not None:
                client = login(Client(), user, mfa=role in WITH_TOTP)
                sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield w, sessions
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def client_once() -> Client:
    """One client for the module: building a client's handler is the slow part."""
    return Client()


def forbidden_text(world: World, role: str) -> list[str]:
    """What ``role`` must never read on any page (outside the admin, see below)."""
    own = world.users[role]
    allowed = {own.display_name} if own is not None else set()
    if role in PARTICIPANT_ROLES:
        for g in (world.group, world.digital_group):
            allowed |= {g.place, g.meeting_url}
            allowed |= {m.user.display_name for m in g.memberships.active()}
    return [text for text in world.secrets if text and text not in allowed]


def totp_secrets() -> list[str]:
    return [a.data["secret"] for a in Authenticator.objects.filter(type="totp")]


MATRIX = [
    pytest.param(key, case, role, id=f"{key}[{case.label}]-{role}")
    for key, cases in URLS.items()
    for case in cases
    for role in ROLES
    if case.expect.get(role) is not None
]


@pytest.mark.parametrize(("key", "case", "role"), MATRIX)
def test_matrix(world, client_once, db, key: str, case: Case, role: str):
    w, sessions = world
    client = client_once
    if case.path is not None:
        url_path = case.path(w)
    else:
        url_path = reverse(key.removeprefix("<unnamed> "), kwargs=case.kwargs(w))
    match = resolve(url_path)
    resolved = match.view_name if match.url_name else f"<unnamed> {match.route}"
    assert resolved == key, f"{url_path} resolves to {resolved}, not to {key}"
    url = f"{url_path}?{case.query}" if case.query else url_path

    client.cookies = SimpleCookie()
    if role in sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    extra = {"content_type": case.content_type} if case.content_type else {}
    response = getattr(client, case.method)(url, data=case.data, **extra)

    expected = case.expect[role]
    location = response.get("Location", "")
    where = f"{case.method.upper()} {url} as {role}"
    if isinstance(expected, Redirect):
        assert response.status_code == expected.status and expected.matches(location), (
            f"{where}: expected {expected}, got {response.status_code} {location}"
        )
    else:
        assert response.status_code == expected, (
            f"{where}: expected {expected}, got {response.status_code} {location}"
        )

    if response.status_code == 200:
        content = response.content.decode()
        # The admin shows national administrators users, addresses and groups
        # by design; it must still never show a second factor's secret.
        is_admin = url_path.startswith("/admin/")
        secrets = totp_secrets() + ([] if is_admin else forbidden_text(w, role))
        # JSON may escape non-ASCII ("på" as "p\\u00e5"): look for both spellings.
        leaks = [s for s in secrets if s in content or json.dumps(s)[1:-1] in content]
        assert not leaks, f"{where}: the page shows {leaks}"

    if case.check is not None:
        case.check(w)
