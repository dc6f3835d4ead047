"""Group pages: constant query counts, and the inside stays inside."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Group
from tests.conftest import clear_caches
from tests.factories import GroupFactory, KommuneFactory, MembershipFactory


def queries_for(client, url: str) -> int:
    clear_caches()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_public_groups(n: int) -> None:
    kommune = KommuneFactory()
    for i in range(n):
        fmt = Group.Format.DIGITAL if i % 3 == 0 else Group.Format.IN_PERSON
        GroupFactory(
            format=fmt,
            kommune=None if fmt == Group.Format.DIGITAL else kommune,
            state=[Group.State.FORMING, Group.State.SELF_RUN, Group.State.PAUSED][i % 3],
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("small", "large"),
    [
        # A third of the groups are digital. The finder counts digital groups
        # only when there are more than its preview shows (one bounded query),
        # so both sizes stay on the same side of that line.
        (3, 12),  # up to 4 digital: no count
        (24, 60),  # 8 and 20 digital: counted, and more than a page of groups
    ],
)
def test_group_list_query_count_does_not_grow(client, django_assert_num_queries, small, large):
    add_public_groups(small)
    url = reverse("groups:list")
    queries = queries_for(client, url)

    add_public_groups(large - small)

    # Both cold: the finder caches its theme choices and the digital count.
    clear_caches()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_group_list_query_count_for_a_logged_in_member(roles, role_client):
    client = role_client("member")
    url = reverse("groups:list")
    add_public_groups(3)
    small = queries_for(client, url)

    add_public_groups(10)

    assert queries_for(client, url) == small


def test_my_groups_query_count_does_not_grow(roles, role_client, django_assert_num_queries):
    client = role_client("member")
    url = reverse("groups:mine")
    small = queries_for(client, url)

    for _ in range(5):
        MembershipFactory(user=roles.user("member"), group=GroupFactory(contact_point=roles.cp_a))

    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["memberships"]) == 7


def test_inside_page_query_count_does_not_grow_with_members(
    roles, role_client, django_assert_num_queries
):
    client = role_client("member")
    url = roles.group.inside_url("groups:inside")
    small = queries_for(client, url)

    for _ in range(4):
        MembershipFactory(group=roles.group)

    with django_assert_num_queries(small):
        client.get(url)


def test_members_see_the_place_and_each_other(roles, role_client):
    content = role_client("member").get(roles.group.inside_url("groups:inside"))
    text = content.content.decode()

    assert roles.group.place in text
    for user in (roles.user("member"), roles.user("initiator"), roles.other_member):
        assert user.display_name in text
    assert roles.user("former_member").display_name not in text


def test_digital_members_see_the_meeting_link_shortly_before_the_meeting(roles, role_client):
    from django.utils import timezone

    from meetings.models import Meeting

    group = roles.digital_group
    Group.objects.filter(pk=group.pk).update(state=Group.State.SELF_RUN)
    starts = timezone.now() + datetime.timedelta(minutes=45)
    meeting = Meeting.objects.create(
        group=group,
        occurrence=starts,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    url = group.inside_url("groups:inside")
    assert group.meeting_url not in role_client("initiator").get(url).content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts - datetime.timedelta(minutes=30))
    assert group.meeting_url in role_client("initiator").get(url).content.decode()


@pytest.mark.parametrize("role", ["anonymous", "seeker", "contact_point_staff", "national_admin"])
def test_public_pages_never_show_the_place(roles, role_client, role):
    client = role_client(role)
    for url in (
        reverse("groups:list"),
        reverse("groups:detail", args=[roles.group.slug]),
        reverse("groups:detail", args=[roles.digital_group.slug]),
    ):
        text = client.get(url).content.decode()
        for secret in roles.secrets:
            assert secret not in text, (url, secret)


def test_members_get_a_link_inside_from_the_public_page(roles, role_client):
    inside = roles.group.inside_url("groups:inside")
    detail = reverse("groups:detail", args=[roles.group.slug])

    assert inside in role_client("member").get(detail).content.decode()
    assert inside not in role_client("former_member").get(detail).content.decode()
