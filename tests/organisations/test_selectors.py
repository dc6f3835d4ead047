"""Access-checked reads for the staff area: each office sees its own scope."""

from __future__ import annotations

import pytest
from django.http import Http404

from groups import selectors as group_selectors
from groups.models import Group
from organisations import selectors
from organisations.models import District
from tests.factories import ContactPointFactory, GroupFactory, MembershipFactory


def test_district_staff_see_their_own_district_only(roles):
    districts = selectors.districts_for_user(user=roles.user("district_staff"))
    assert list(districts) == [roles.district_a]


def test_national_admins_see_every_district(roles):
    districts = selectors.districts_for_user(user=roles.user("national_admin"))
    assert set(districts) == set(District.objects.all())
    assert {roles.district_a, roles.district_b} <= set(districts)


@pytest.mark.parametrize("role", ["contact_point_staff", "initiator", "member", "seeker"])
def test_others_see_no_district(roles, role):
    assert not selectors.districts_for_user(user=roles.user(role)).exists()


def test_initiators_are_not_contact_point_staff(roles):
    assert not selectors.contact_points_for_user(user=roles.user("initiator")).exists()
    assert list(selectors.contact_points_for_user(user=roles.user("contact_point_staff"))) == [
        roles.cp_a
    ]


@pytest.mark.parametrize(
    ("role", "cp", "allowed"),
    [
        ("contact_point_staff", "cp_a", True),
        ("contact_point_staff", "cp_b", False),
        ("district_staff", "cp_a", True),
        ("district_staff", "cp_b", False),
        ("district_staff_other", "cp_a", False),
        ("district_staff_other", "cp_b", True),
        ("national_admin", "cp_a", True),
        ("initiator", "cp_a", False),
        ("member", "cp_a", False),
    ],
)
def test_contact_point_access(roles, role, cp, allowed):
    slug = getattr(roles, cp).slug
    if allowed:
        assert selectors.contact_point_get_for_user(slug=slug, user=roles.user(role)).slug == slug
    else:
        with pytest.raises(Http404):
            selectors.contact_point_get_for_user(slug=slug, user=roles.user(role))


def test_district_overview_counts_groups_by_state_without_people(roles):
    extra = GroupFactory(contact_point=roles.cp_a, state=Group.State.PAUSED)
    MembershipFactory(group=extra)

    [cp] = group_selectors.district_overview(district=roles.district_a)

    assert cp == roles.cp_a
    counts = (cp.forming, cp.starting, cp.self_run, cp.paused, cp.ended)
    # forming: the digital group; starting: G; ended: one; drafts are not counted.
    assert counts == (1, 1, 0, 1, 1)


def test_district_overview_lists_only_the_districts_contact_points(roles):
    ContactPointFactory(kommune=roles.kommune_b)
    assert [cp.slug for cp in group_selectors.district_overview(district=roles.district_a)] == [
        roles.cp_a.slug
    ]


def test_contact_point_groups_include_drafts_and_ended_groups(roles):
    groups = group_selectors.contact_point_groups(contact_point=roles.cp_a)

    assert {g.slug for g in groups} == {
        roles.group.slug,
        roles.digital_group.slug,
        roles.draft_group.slug,
        roles.ended_group.slug,
    }
