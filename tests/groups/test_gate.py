"""The one gate into a group: who gets in, where the unsigned go, what it costs."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups import gate
from groups.models import Group, Membership
from pledges.models import GroupPledgeLines
from tests.factories import GroupFactory, MembershipFactory


def inside(token: str, user) -> tuple[Group, Membership]:
    return gate.group_get_inside(lookup={"inside_token": token}, user=user)


def test_inside_is_for_active_participants(roles):
    for role in ("member", "initiator", "member_unsigned"):
        group, membership = inside(roles.group.inside_token, roles.user(role))
        assert group == roles.group
        assert membership.user == roles.user(role)


@pytest.mark.parametrize(
    "role",
    [
        "seeker",
        "former_member",
        "contact_point_staff",
        "district_staff",
        "national_admin",
        "staff_without_mfa",
    ],
)
def test_inside_is_404_for_everyone_else(roles, role):
    with pytest.raises(Http404):
        inside(roles.group.inside_token, roles.user(role))


def test_inside_is_404_for_anonymous_users_and_unknown_groups(roles):
    with pytest.raises(Http404):
        inside(roles.group.inside_token, AnonymousUser())
    with pytest.raises(Http404):
        inside("finnes-ikke", roles.user("member"))


def test_an_initiator_who_stepped_back_no_longer_sees_inside(roles):
    Membership.objects.filter(user=roles.user("initiator"), group=roles.group).update(
        status=Membership.Status.STEPPED_BACK, ended_at=timezone.now()
    )
    with pytest.raises(Http404):
        inside(roles.group.inside_token, roles.user("initiator"))


@pytest.mark.django_db
def test_inside_a_draft_is_404_even_for_its_members():
    group = GroupFactory(state=Group.State.DRAFT)
    member = MembershipFactory(group=group).user
    with pytest.raises(Http404):
        inside(group.inside_token, member)


# --- The decorator -------------------------------------------------------------


def seen(request, group, membership, **kwargs):
    return HttpResponse(f"{group.pk}:{membership.pk}:{sorted(kwargs)}")


def call(view, roles, role: str, **url_kwargs):
    request = RequestFactory().get("/")
    request.user = roles.user(role)
    return view(request, token=roles.group.inside_token, **url_kwargs)


def test_the_gate_passes_group_and_membership_and_the_other_url_arguments(roles):
    response = call(gate.group_inside(seen), roles, "member", pk=7)

    membership = roles.group.memberships.get(user=roles.user("member"))
    assert response.content.decode() == f"{roles.group.pk}:{membership.pk}:['pk']"


def test_the_unsigned_are_sent_to_sign(roles):
    response = call(gate.group_inside(seen), roles, "member_unsigned")

    assert response.status_code == 302
    assert response["Location"] == roles.group.inside_url("pledges:sign")


def test_changed_group_lines_close_the_inside_until_signed_again(roles):
    GroupPledgeLines.objects.create(group=roles.group, text="Vi kommer presis.", revision=1)

    response = call(gate.group_inside(seen), roles, "member")

    assert response.status_code == 302


def test_unsigned_true_lets_the_unsigned_in_but_nobody_else(roles):
    view = gate.group_inside(unsigned=True)(seen)

    assert call(view, roles, "member_unsigned").status_code == 200
    with pytest.raises(Http404):
        call(view, roles, "seeker")


def test_the_gate_marks_the_view_through_other_decorators(roles):
    from django.contrib.auth.decorators import login_required
    from django.views.decorators.http import require_GET

    view = login_required(require_GET(gate.group_inside(unsigned=True)(seen)))

    assert gate.gate_of(view) == gate.Gate(unsigned=True)
    assert gate.gate_of(login_required(seen)) is None


def test_without_a_pledge_check_nobody_gets_in(roles, monkeypatch):
    monkeypatch.setattr(gate, "_pledge_signed", None)
    with pytest.raises(ImproperlyConfigured):
        call(gate.group_inside(seen), roles, "member")


def test_the_pledge_check_costs_one_query(roles):
    membership = roles.group.memberships.get(user=roles.user("member"))
    unsigned = roles.group.memberships.get(user=roles.user("member_unsigned"))

    with CaptureQueriesContext(connection) as queries:
        assert gate.has_signed(membership) is True
        assert gate.has_signed(unsigned) is False

    assert len(queries) == 2


def test_an_inside_page_spends_one_query_on_the_pledge(roles, role_client):
    """The meeting guide: session, user, group, membership, the pledge check, and
    the staff-role look-up of the site's navigation. The pledge check used to take
    three (current version, the group's lines, the signature)."""
    client = role_client("member")
    url = roles.group.inside_url("groups:meeting_guide")
    client.get(url)  # warm-up: the session's first touch

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    pledge_queries = [q["sql"] for q in queries if "pledges_" in q["sql"]]
    assert len(pledge_queries) == 1, pledge_queries
    assert len(queries) == 6, [q["sql"] for q in queries]
