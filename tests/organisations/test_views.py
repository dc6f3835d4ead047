"""Staff pages: constant query counts, and no people on them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Group
from tests.factories import ContactPointFactory, GroupFactory, MembershipFactory


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_contact_points(world, n: int) -> None:
    for _ in range(n):
        cp = ContactPointFactory(kommune=world.kommune_a)
        for state in (Group.State.FORMING, Group.State.SELF_RUN, Group.State.ENDED):
            MembershipFactory(group=GroupFactory(contact_point=cp, state=state))


def add_groups(world, n: int) -> None:
    for i in range(n):
        group = GroupFactory(contact_point=world.cp_a, state=list(Group.State)[i % 6])
        MembershipFactory(group=group)
        MembershipFactory(group=group)


def test_district_page_query_count_does_not_grow(roles, role_client, django_assert_num_queries):
    client = role_client("district_staff")
    url = reverse("staff:district_detail", args=[roles.district_a.slug])
    small = queries_for(client, url)

    add_contact_points(roles, 8)

    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["contact_points"]) == 9


def test_contact_point_page_query_count_does_not_grow(
    roles, role_client, django_assert_num_queries
):
    client = role_client("contact_point_staff")
    url = reverse("staff:contact_point_detail", args=[roles.cp_a.slug])
    small = queries_for(client, url)

    add_groups(roles, 12)

    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["groups"]) == 16


def test_staff_home_query_count_does_not_grow(roles, role_client, django_assert_num_queries):
    client = role_client("national_admin")
    url = reverse("staff:staff_home")
    small = queries_for(client, url)

    add_contact_points(roles, 3)

    with django_assert_num_queries(small):
        client.get(url)


@pytest.mark.parametrize(
    ("role", "url_name", "slug"),
    [
        ("district_staff", "staff:district_detail", "district_a"),
        ("district_staff", "staff:contact_point_detail", "cp_a"),
        ("contact_point_staff", "staff:contact_point_detail", "cp_a"),
        ("national_admin", "staff:district_detail", "district_a"),
    ],
)
def test_staff_pages_never_name_members_or_places(roles, role_client, role, url_name, slug):
    url = reverse(url_name, args=[getattr(roles, slug).slug])
    content = role_client(role).get(url).content.decode()

    for secret in roles.secrets:
        assert secret not in content
