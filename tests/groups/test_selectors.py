"""Who sees which group: the public face, and the inside."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from groups import selectors
from groups.models import Group, Membership
from tests.factories import GroupFactory, MembershipFactory, UserFactory


@pytest.mark.django_db
def test_public_list_hides_drafts_and_ended_groups():
    shown = {
        state: GroupFactory(state=state)
        for state in (Group.State.FORMING, Group.State.STARTING, Group.State.SELF_RUN)
    }
    shown[Group.State.PAUSED] = GroupFactory(state=Group.State.PAUSED)
    GroupFactory(state=Group.State.DRAFT)
    GroupFactory(state=Group.State.ENDED)

    listed = set(selectors.groups_public_list())

    assert listed == set(shown.values())


@pytest.mark.django_db
def test_public_list_includes_digital_groups():
    digital = GroupFactory(format=Group.Format.DIGITAL, kommune=None)
    assert digital in selectors.groups_public_list()


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Group.State.DRAFT, Group.State.ENDED])
def test_public_page_of_hidden_groups_is_404_even_for_members(state):
    group = GroupFactory(state=state)
    member = MembershipFactory(group=group).user

    for user in (AnonymousUser(), UserFactory(), member):
        with pytest.raises(Http404):
            selectors.group_get_public(slug=group.slug, user=user)


def test_public_page_of_hidden_groups_for_the_contact_point_running_them(roles):
    staff = roles.user("contact_point_staff")
    for group in (roles.draft_group, roles.ended_group):
        assert selectors.group_get_public(slug=group.slug, user=staff) == group
    # Staff of another district's office do not run CP-A's groups.
    with pytest.raises(Http404):
        selectors.group_get_public(slug=roles.draft_group.slug, user=roles.user("district_staff"))


def test_my_groups_lists_active_memberships_outside_drafts(roles):
    member = roles.user("member")
    MembershipFactory(group=roles.draft_group, user=member)
    MembershipFactory(
        group=roles.group_b,
        user=member,
        status=Membership.Status.LEFT,
        ended_at=timezone.now(),
    )

    groups = {m.group for m in selectors.groups_for_user(user=member)}

    assert groups == {roles.group, roles.digital_group}
    assert selectors.groups_for_user(user=roles.user("former_member")) == []
