"""Object-level authorization: ids and slugs swapped between groups, districts and users.

Every URL pattern whose route takes an id, slug or token is listed in
``ATTEMPTS`` (someone who may act on *their own* object tries the same URL
with an object that belongs to another group, district or person) or in
``NOT_OBJECT_SCOPED`` with the reason why there is nothing to swap. A new
pattern with a parameter fails ``test_every_parameterised_url_is_covered``
until it gets a decision here. Admin pages are covered by the permission
matrix (only national administrators reach them).

Each attempt must be refused (404, or the status named in the attempt) and
must change nothing: every row of every model of the platform's apps is
compared before and after (the audit trail and heartbeats aside).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from groups.models import Group, GroupInvitation, HostTurn, Membership, SupportRequest
from interest.models import InterestRegistration
from joining.models import JoinRequest, WaitingListEntry
from organisations.models import StaffInvitation
from tests.conftest import MFA_ROLES, World, build_world, login
from tests.factories import UserFactory

LOCAL_APPS = (
    "accounts",
    "places",
    "organisations",
    "groups",
    "decisions",
    "interest",
    "pledges",
    "joining",
    "meetings",
    "notifications",
    "monitoring",
    "directory",
    "feedback",
    "board",
)
IGNORED_MODELS = {"core.auditevent", "core.heartbeat"}


# --- The world, with objects that belong to somebody ---------------------------


@dataclass
class Objects:
    world: World
    meeting_g: Any = None
    meeting_b: Any = None
    turn_g: Any = None
    turn_b: Any = None
    join_request_b: Any = None  # by member_b's friend, to group B
    join_request_mine: Any = None  # by the "owner" user, to group B
    waiting_entry: Any = None
    registration: Any = None
    group_invitation: Any = None
    support_b: Any = None
    staff_invitation: Any = None
    proposal_b: Any = None  # an open proposal in group B, by its member
    owner: Any = None  # a plain user whose requests, registrations … the others try
    extras: dict[str, Any] = field(default_factory=dict)


def make_objects() -> Objects:
    world = build_world()
    o = Objects(world=world)
    from meetings.models import Meeting

    start = timezone.now() + datetime.timedelta(days=2)
    for attr, group in (("meeting_g", world.group), ("meeting_b", world.group_b)):
        setattr(
            o,
            attr,
            Meeting.objects.create(
                group=group,
                occurrence=start,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
            ),
        )
    monday = (timezone.localdate() + datetime.timedelta(days=7)) - datetime.timedelta(
        days=timezone.localdate().weekday()
    )
    o.turn_g = HostTurn.objects.create(
        group=world.group,
        week=monday,
        membership=Membership.objects.get(group=world.group, user=world.user("member")),
    )
    o.turn_b = HostTurn.objects.create(
        group=world.group_b,
        week=monday,
        membership=Membership.objects.get(group=world.group_b, user=world.member_b),
    )
    o.owner = UserFactory(email="eier@example.org", display_name="Eir Eier")
    o.join_request_mine = JoinRequest.objects.create(
        group=world.group_b,
        user=o.owner,
        decider=JoinRequest.Decider.ALL_MEMBERS,
        consent_deadline=timezone.now() + datetime.timedelta(days=7),
    )
    o.join_request_b = o.join_request_mine
    o.waiting_entry = WaitingListEntry.objects.create(
        group=world.group,
        user=o.owner,
        status=WaitingListEntry.Status.OFFERED,
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    o.registration = InterestRegistration.objects.create(
        user=o.owner,
        theme=world.theme,
        format=InterestRegistration.Format.DIGITAL,
        expires_at=timezone.now() + datetime.timedelta(days=365),
    )
    o.group_invitation = GroupInvitation.objects.create(group=world.digital_group, user=o.owner)
    o.support_b = SupportRequest.objects.create(group=world.group_b, message="Hjelp oss")
    from decisions.models import Proposal

    o.proposal_b = Proposal.objects.create(
        group=world.group_b,
        kind=Proposal.Kind.PAUSE,
        proposed_by=Membership.objects.get(group=world.group_b, user=world.member_b),
        deadline=timezone.now() + datetime.timedelta(days=7),
    )
    o.staff_invitation = StaffInvitation.objects.create(
        token="idor-invitasjon",
        email=o.owner.email,
        kind=StaffInvitation.Kind.CONTACT_POINT_STAFF,
        contact_point=world.cp_a,
    )
    from directory.models import ChangeReport

    o.extras["report_b"] = ChangeReport.objects.create(
        contact_point=world.cp_b, message="Nytt telefonnummer"
    )
    from board.models import Post

    # Posts on the boards: one by another member of G, one by the member of B.
    o.extras["post_g_other"] = Post.objects.create(
        group=world.group,
        membership=Membership.objects.get(group=world.group, user=world.other_member),
        body="En annens melding",
    )
    o.extras["post_b"] = Post.objects.create(
        group=world.group_b,
        membership=Membership.objects.get(group=world.group_b, user=world.member_b),
        body="Gruppe Bs melding",
    )
    from organisations.models import InformationMeeting

    starts = timezone.now() + datetime.timedelta(days=7)
    o.extras["information_meeting_b"] = InformationMeeting.objects.create(
        contact_point=world.cp_b,
        kommune=world.cp_b.kommune,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Biblioteket",
        description="Om selvhjelpsgrupper.",
    )
    return o


# --- Attempts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    label: str
    actor: str  # a role of the world, or "other_member" / "member_b" / "owner"
    method: str
    kwargs: Callable[[Objects], dict[str, Any]]
    data: Callable[[Objects], dict[str, Any]] = lambda o: {}
    query: Callable[[Objects], str] = lambda o: ""
    allowed: frozenset[int] = frozenset({404})


def A(label: str, actor: str, method: str, kwargs: Callable[[Objects], dict[str, Any]], **kw: Any):
    if "allowed" in kw:
        kw["allowed"] = frozenset(kw["allowed"])
    return Attempt(label, actor, method, kwargs, **kw)


# Inside a group the address names the group by its token (the old slug
# addresses only redirect members: see "groups:inside_old_address").
G = lambda o: o.world.group.inside_token  # noqa: E731
B = lambda o: o.world.group_b.inside_token  # noqa: E731
G_SLUG = lambda o: o.world.group.slug  # noqa: E731
B_SLUG = lambda o: o.world.group_b.slug  # noqa: E731


def inside_group_b_by_member_of_g(method: str, **kw: Any) -> list[Attempt]:
    """A signed member of G uses group B's token (and the other way round)."""
    return [
        A("member of G → group B", "member", method, lambda o: {"token": B(o)}, **kw),
        A("member of B → group G", "member_b", method, lambda o: {"token": G(o)}, **kw),
    ]


def meeting_swaps(method: str, **kw: Any) -> list[Attempt]:
    """Own group's token with the other group's meeting id, and the other way round."""
    return [
        A(
            "G's token, B's meeting",
            "member",
            method,
            lambda o: {"token": G(o), "pk": o.meeting_b.pk},
            **kw,
        ),
        A(
            "B's token, B's meeting, by a member of G",
            "member",
            method,
            lambda o: {"token": B(o), "pk": o.meeting_b.pk},
            **kw,
        ),
        A(
            "B's token, G's meeting, by a member of B",
            "member_b",
            method,
            lambda o: {"token": B(o), "pk": o.meeting_g.pk},
            **kw,
        ),
    ]


def by_another_person(method: str, pk: Callable[[Objects], int], **kw: Any) -> list[Attempt]:
    """The owner's object, used by somebody else (a seeker and a group member)."""
    return [
        A("by a seeker", "seeker", method, lambda o: {"pk": pk(o)}, **kw),
        A("by a member", "member", method, lambda o: {"pk": pk(o)}, **kw),
    ]


def information_meeting_form(o: Objects) -> dict[str, Any]:
    """A valid form for a meeting a week from now (the attempt must fail for another reason)."""
    day = (timezone.localtime() + datetime.timedelta(days=7)).date()
    return {
        "date": day.isoformat(),
        "start": "18:00",
        "end": "20:00",
        "place": "Overtatt",
        "kommune": o.world.cp_b.kommune_id,
        "description": "Overtatt",
    }


def district_a_staff(method: str, kwargs: Callable[[Objects], dict[str, Any]], **kw: Any):
    """Staff of district A (and of CP-A) using district B's objects."""
    return [
        A("district A staff", "district_staff", method, kwargs, **kw),
        A("CP-A staff", "contact_point_staff", method, kwargs, **kw),
    ]


ATTEMPTS: dict[str, list[Attempt]] = {
    # Inside a group.
    "groups:inside": inside_group_b_by_member_of_g("get"),
    "groups:meeting_guide": inside_group_b_by_member_of_g("get"),
    # The old addresses by slug send only the group's own participants on.
    "groups:inside_old_address": [
        A("member of G → group B", "member", "get", lambda o: {"slug": B_SLUG(o)}),
        A("member of B → group G", "member_b", "get", lambda o: {"slug": G_SLUG(o)}),
    ],
    "groups:inside_old_address_below": [
        A(
            "member of B → a meeting of group G",
            "member_b",
            "post",
            lambda o: {"slug": G_SLUG(o), "rest": f"moter/{o.meeting_g.pk}/avlys/"},
        ),
        A(
            "member of G → group B's requests",
            "member",
            "get",
            lambda o: {"slug": B_SLUG(o), "rest": "foresporsler/"},
        ),
    ],
    "decisions:proposals": inside_group_b_by_member_of_g("get"),
    "decisions:propose": [
        A(
            "member of G → group B",
            "member",
            "post",
            lambda o: {"token": B(o), "kind": "end"},
            data=lambda o: {"note": "Vi avslutter"},
        ),
        A(
            "member of B → group G",
            "member_b",
            "post",
            lambda o: {"token": G(o), "kind": "end"},
            data=lambda o: {"at_once": "1"},
        ),
    ],
    "decisions:answer": [
        A(
            "G's page, B's proposal",
            "member",
            "post",
            lambda o: {"token": G(o), "pk": o.proposal_b.pk},
            data=lambda o: {"answer": "no", "note": "Nei"},
        ),
        A(
            "B's page, by a member of G",
            "member",
            "post",
            lambda o: {"token": B(o), "pk": o.proposal_b.pk},
            data=lambda o: {"answer": "yes"},
        ),
    ],
    "decisions:withdraw": [
        A(
            "G's page, B's proposal, by its initiator",
            "initiator",
            "post",
            lambda o: {"token": G(o), "pk": o.proposal_b.pk},
        ),
        A(
            "B's page, by a member of G",
            "member",
            "post",
            lambda o: {"token": B(o), "pk": o.proposal_b.pk},
        ),
    ],
    "groups:starting_guide": [
        A("initiator of G → group B", "initiator", "get", lambda o: {"token": B(o)}),
    ],
    "groups:starting_guide_tick": [
        A(
            "initiator of G → group B",
            "initiator",
            "post",
            lambda o: {"token": B(o)},
            data=lambda o: {"item": "m1_welcome", "ticked": "on"},
        ),
    ],
    "groups:step_back": [
        A("initiator of G → group B", "initiator", "post", lambda o: {"token": B(o)}),
    ],
    "groups:support_request": [
        A(
            "initiator of G → group B",
            "initiator",
            "post",
            lambda o: {"token": B(o)},
            data=lambda o: {"message": "Vi trenger hjelp"},
        ),
    ],
    "groups:hosting_toggle": inside_group_b_by_member_of_g("post", data=lambda o: {"hosts": ""}),
    "groups:host_turn_swap": [
        *inside_group_b_by_member_of_g(
            "post", data=lambda o: {"own_turn": o.turn_g.pk, "other_turn": o.turn_b.pk}
        ),
        # Own group's page, another group's turn id in the body: refused with a message.
        A(
            "G's page, B's turn in the body",
            "member",
            "post",
            lambda o: {"token": G(o)},
            data=lambda o: {"own_turn": o.turn_g.pk, "other_turn": o.turn_b.pk},
            allowed={302, 400, 404},
        ),
    ],
    "groups:contact_person_hand_on": inside_group_b_by_member_of_g("post"),
    "pledges:sign": inside_group_b_by_member_of_g("post", data=lambda o: {"agree": "on"}),
    "pledges:group_lines": [
        A(
            "initiator of G → group B",
            "initiator",
            "post",
            lambda o: {"token": B(o)},
            data=lambda o: {"lines": "Vi møtes presis."},
        ),
    ],
    "joining:group_requests": inside_group_b_by_member_of_g("get"),
    "joining:answer": [
        A(
            "G's page, B's request",
            "member",
            "post",
            lambda o: {"token": G(o), "pk": o.join_request_b.pk},
            data=lambda o: {"answer": "yes"},
        ),
        A(
            "B's page, by a member of G",
            "member",
            "post",
            lambda o: {"token": B(o), "pk": o.join_request_b.pk},
            data=lambda o: {"answer": "yes"},
        ),
    ],
    "joining:leave": [
        # Leaving a group one is not in: nothing to leave.
        A("member of B → group G", "member_b", "post", lambda o: {"token": G(o)}),
        A("seeker → group G", "seeker", "post", lambda o: {"token": G(o)}),
    ],
    "meetings:schedule": inside_group_b_by_member_of_g("post", data=lambda o: {"weekday": "1"}),
    "meetings:detail": meeting_swaps("get"),
    "meetings:cancel": meeting_swaps("post"),
    "meetings:move": meeting_swaps("post"),
    "meetings:absence": meeting_swaps("post", data=lambda o: {"action": "register"}),
    "meetings:attendance": meeting_swaps("post", data=lambda o: {"count": "3"}),
    "meetings:ics": meeting_swaps("get"),
    "meetings:message_link": [
        A("member of G, B's meeting", "member", "get", lambda o: {"pk": o.meeting_b.pk}),
        A("member of B, G's meeting", "member_b", "get", lambda o: {"pk": o.meeting_g.pk}),
    ],
    # Things that belong to one person.
    "joining:withdraw": by_another_person("post", lambda o: o.join_request_mine.pk),
    "joining:waiting_list_respond": by_another_person(
        "post", lambda o: o.waiting_entry.pk, data=lambda o: {"answer": "accept"}
    ),
    "interest:withdraw": by_another_person("post", lambda o: o.registration.pk),
    "interest:invitation_respond": by_another_person(
        "post", lambda o: o.group_invitation.pk, data=lambda o: {"answer": "accept"}
    ),
    "staff_invitation_accept": [
        # The invitation names another address: a message, never the role.
        A(
            "someone else accepts",
            "seeker",
            "post",
            lambda o: {"token": o.staff_invitation.token},
            allowed={200},
        ),
    ],
    # Staff pages: district A's staff with district B's slugs and ids.
    "staff:district_detail": district_a_staff("get", lambda o: {"slug": o.world.district_b.slug}),
    "staff:contact_point_detail": district_a_staff("get", lambda o: {"slug": o.world.cp_b.slug}),
    "organisations:staff_invitations": district_a_staff(
        "post",
        lambda o: {"slug": o.world.cp_b.slug},
        data=lambda o: {"email": "ny.ansatt@example.org", "kind": "contact_point_staff"},
    ),
    "staff:group_staff_detail": district_a_staff("get", lambda o: {"slug": o.world.group_b.slug}),
    "staff:group_edit": district_a_staff(
        "post",
        lambda o: {"slug": o.world.group_b.slug},
        data=lambda o: {"name": "Overtatt"},
    ),
    "staff:group_initiators": district_a_staff(
        "post",
        lambda o: {"slug": o.world.group_b.slug},
        data=lambda o: {"email": "ny.igangsetter@example.org", "purpose": "co"},
    ),
    "staff:group_initiator_self": district_a_staff(
        "post", lambda o: {"slug": o.world.group_b.slug}
    ),
    "staff:group_staff_action": district_a_staff(
        "post", lambda o: {"slug": o.world.group_b.slug, "action": "end"}
    ),
    "staff:support_answer": district_a_staff(
        "post", lambda o: {"pk": o.support_b.pk}, data=lambda o: {"answer": "Ja"}
    ),
    "interest_staff:overview": district_a_staff("get", lambda o: {"slug": o.world.cp_b.slug}),
    "directory_staff:entry_edit": district_a_staff(
        "post", lambda o: {"slug": o.world.cp_b.slug}, data=lambda o: {"public_phone": "99"}
    ),
    "directory_staff:reports": district_a_staff("get", lambda o: {"slug": o.world.cp_b.slug}),
    "feedback:answer": [
        *inside_group_b_by_member_of_g("post", data=lambda o: {"works": "4", "safe": "yes"}),
        A(
            "former member of G → group B",
            "former_member",
            "post",
            lambda o: {"token": B(o)},
            data=lambda o: {"works": "4", "safe": "yes"},
        ),
    ],
    "board:board": inside_group_b_by_member_of_g("post", data=lambda o: {"body": "Hei"}),
    "board:notices": inside_group_b_by_member_of_g("post", data=lambda o: {"notices": "off"}),
    "board:delete": [
        A(
            "another member's post in one's own group",
            "member",
            "post",
            lambda o: {"token": G(o), "pk": o.extras["post_g_other"].pk},
        ),
        A(
            "G's token, B's post",
            "member",
            "post",
            lambda o: {"token": G(o), "pk": o.extras["post_b"].pk},
        ),
        A(
            "B's token, B's post, by a member of G",
            "member",
            "post",
            lambda o: {"token": B(o), "pk": o.extras["post_b"].pk},
        ),
        A(
            "B's token, G's post, by a member of B",
            "member_b",
            "post",
            lambda o: {"token": B(o), "pk": o.extras["post_g_other"].pk},
        ),
    ],
    "feedback:contact_point": [
        *district_a_staff("get", lambda o: {"slug": o.world.cp_b.slug}),
        # The lines are for the group's contact point only, not its district office.
        A(
            "district A staff → CP-A",
            "district_staff",
            "get",
            lambda o: {"slug": o.world.cp_a.slug},
        ),
    ],
    "directory_staff:report_handled": [
        *district_a_staff(
            "post", lambda o: {"slug": o.world.cp_b.slug, "pk": o.extras["report_b"].pk}
        ),
        A(
            "CP-A staff, CP-A's address with CP-B's report",
            "contact_point_staff",
            "post",
            lambda o: {"slug": o.world.cp_a.slug, "pk": o.extras["report_b"].pk},
        ),
    ],
    # A contact point's information meetings: CP-A's staff (and district A's)
    # with CP-B's address, or with CP-B's meeting under CP-A's own address.
    "directory_staff:information_meetings": district_a_staff(
        "get", lambda o: {"slug": o.world.cp_b.slug}
    ),
    "directory_staff:information_meeting_create": district_a_staff(
        "post",
        lambda o: {"slug": o.world.cp_b.slug},
        data=lambda o: information_meeting_form(o),
    ),
    "directory_staff:information_meeting_edit": [
        *district_a_staff(
            "post",
            lambda o: {"slug": o.world.cp_b.slug, "pk": o.extras["information_meeting_b"].pk},
            data=lambda o: information_meeting_form(o),
        ),
        A(
            "CP-A staff, CP-A's address with CP-B's meeting",
            "contact_point_staff",
            "post",
            lambda o: {"slug": o.world.cp_a.slug, "pk": o.extras["information_meeting_b"].pk},
            data=lambda o: information_meeting_form(o),
        ),
    ],
    "directory_staff:information_meeting_cancel": [
        *district_a_staff(
            "post",
            lambda o: {"slug": o.world.cp_b.slug, "pk": o.extras["information_meeting_b"].pk},
        ),
        A(
            "CP-A staff, CP-A's address with CP-B's meeting",
            "contact_point_staff",
            "post",
            lambda o: {"slug": o.world.cp_a.slug, "pk": o.extras["information_meeting_b"].pk},
        ),
    ],
    # Public pages, but a meeting answers only under its own contact point's address.
    **{
        name: [
            A(
                "CP-B's meeting under CP-A's address",
                "seeker",
                "get",
                lambda o: {"slug": o.world.cp_a.slug, "pk": o.extras["information_meeting_b"].pk},
            ),
        ]
        for name in ("directory:information_meeting", "directory:information_meeting_ics")
    },
    "interest_staff:start_group": district_a_staff(
        "post",
        lambda o: {"slug": o.world.cp_b.slug, "theme": o.world.theme.slug, "format": "digital"},
        data=lambda o: {"name": "Overtatt gruppe"},
    ),
    "monitoring:export_csv": [
        A(
            "district A staff, district B's filter (slug)",
            "district_staff",
            "get",
            lambda o: {"table": "groups"},
            query=lambda o: f"distrikt={o.world.district_b.slug}",
            allowed={400, 404},
        ),
        A(
            "district A staff, district B's filter (id)",
            "district_staff",
            "get",
            lambda o: {"table": "groups"},
            query=lambda o: f"distrikt={o.world.district_b.pk}",
            allowed={400, 404},
        ),
    ],
    # Bearer links: another token, or one whose ids were put together from two groups.
    "meetings:absence_link": [
        A(
            "G's meeting with B's membership",
            "anonymous",
            "post",
            lambda o: {"token": _absence_token(o.meeting_g, o.world.group_b, o.world.member_b)},
            data=lambda o: {"action": "register"},
        ),
        A(
            "a token that is not signed",
            "anonymous",
            "post",
            lambda o: {"token": f"{o.meeting_g.pk}-{o.turn_g.membership_id}"},
            data=lambda o: {"action": "register"},
        ),
    ],
    "meetings:feed": [
        A("an unknown token", "anonymous", "get", lambda o: {"token": "ukjent-kalender"}),
    ],
}

NOT_OBJECT_SCOPED: dict[str, str] = {
    "groups:detail": "a group's public page: the same for everyone (drafts 404, matrix)",
    "directory:detail": "a contact point's public entry: the same for everyone",
    "directory:report": "reports a change to a public entry: public by design, rate-limited",
    "directory:report_group": "reports a change to a public group page (drafts 404, matrix)",
    "directory:contact_point_poster": "a public entry's printable poster: the same for everyone",
    "directory:contact_point_card": "a public entry's printable card: the same for everyone",
    "directory:group_poster": "a public group's printable poster (drafts and ended 404, matrix)",
    "directory:group_card": "a public group's printable card (drafts and ended 404, matrix)",
    "api:group_detail": "public API data; drafts and ended groups 404 (matrix)",
    "joining:request": "asks to join a public group: the slug is public by design",
    "joining:waiting_list_join": "joins a public group's waiting list: public by design",
    "account_reset_password_from_key": "allauth: a signed key per user, tested by allauth",
}


def _absence_token(meeting: Any, group: Group, user: Any) -> str:
    from meetings import links

    membership = Membership.objects.get(group=group, user=user)
    return links.absence_token(membership=membership, meeting=meeting)


# --- Enumeration ----------------------------------------------------------------


def parameterised_patterns() -> dict[str, str]:
    """Every named pattern with a route parameter, outside the admin."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                yield namespace + (pattern.name or "?"), prefix + str(pattern.pattern)

    found = {}
    for name, route in walk(get_resolver(), "", ""):
        if name.startswith("admin:"):
            continue
        if re.search(r"<\w+(:\w+)?>|\(\?P<", route) or re.search(r"\{\w+\}", route):
            found[name] = route
    return found


def test_every_parameterised_url_is_covered():
    patterns = parameterised_patterns()
    decided = set(ATTEMPTS) | set(NOT_OBJECT_SCOPED)
    missing = sorted(set(patterns) - decided)
    stale = sorted(decided - set(patterns))
    assert not missing, f"URL patterns with ids/slugs but no IDOR decision: {missing}"
    assert not stale, f"IDOR entries for patterns that no longer exist: {stale}"


def test_the_enumeration_sees_the_api_and_the_apps():
    patterns = parameterised_patterns()
    assert "api:group_detail" in patterns
    assert "joining:answer" in patterns and "staff:district_detail" in patterns


# --- The attempts ---------------------------------------------------------------


def snapshot() -> dict[str, list[dict[str, Any]]]:
    rows = {}
    for app_label in LOCAL_APPS:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        for model in config.get_models():
            if model._meta.label_lower in IGNORED_MODELS:
                continue
            rows[model._meta.label_lower] = list(model.objects.order_by("pk").values())
    return rows


def client_as(o: Objects, actor: str) -> Client:
    client = Client()
    users = {**o.world.users, "member_b": o.world.member_b, "owner": o.owner}
    user = users[actor]
    if user is not None:
        login(client, user, mfa=actor in MFA_ROLES)
    return client


CASES = [(name, attempt) for name, attempts in ATTEMPTS.items() for attempt in attempts]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "attempt"), CASES, ids=[f"{name}[{a.label}]" for name, a in CASES]
)
def test_swapped_ids_are_refused_and_change_nothing(name: str, attempt: Attempt):
    o = make_objects()
    client = client_as(o, attempt.actor)
    url = reverse(name, kwargs=attempt.kwargs(o))
    query = attempt.query(o)
    if query:
        url = f"{url}?{query}"
    before = snapshot()

    response = getattr(client, attempt.method)(url, attempt.data(o))

    assert response.status_code in attempt.allowed, (
        f"{attempt.method.upper()} {url} as {attempt.actor}: {response.status_code}"
    )
    after = snapshot()
    changed = [label for label in before if before[label] != after.get(label)]
    assert not changed, f"{attempt.method.upper()} {url} as {attempt.actor} changed {changed}"
    if response.status_code == 200:
        body = response.content.decode()
        for secret in o.world.secrets:
            if attempt.actor in ("member", "initiator") and secret in _own_secrets(o):
                continue
            assert secret not in body, f"{url} showed {secret!r} to {attempt.actor}"


def _own_secrets(o: Objects) -> set[str]:
    w = o.world
    return {w.group.place, w.group.meeting_url, w.digital_group.meeting_url}


# --- The JSON API ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("attr", ["draft_group", "ended_group"])
def test_the_api_does_not_open_hidden_groups(client, attr):
    o = make_objects()
    group = getattr(o.world, attr)
    response = client.get(f"/api/v1/groups/{group.slug}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.django_db
def test_the_api_never_shows_a_place_or_member():
    o = make_objects()
    client = Client()
    login(client, o.world.user("member"))  # even a member gets the public face only
    body = client.get(f"/api/v1/groups/{o.world.group.slug}").content.decode()
    body += client.get("/api/v1/groups/meeting-guide.json").content.decode()
    for secret in o.world.secrets:
        assert secret not in body
