"""One public-status rule: the page and the API read it in Python, the finder filters in SQL.

Both derive from ``groups.models.PUBLIC_STATUS_RULE``; here they must agree
on every combination of state, open or closed, full or not, and people on
the waiting list or not.
"""

from __future__ import annotations

import itertools

import pytest

from groups.models import Group, PublicStatus, public_status_q
from joining.models import WaitingListEntry
from tests.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db

COMBINATIONS = list(itertools.product(Group.State, (False, True), (False, True), (False, True)))


@pytest.fixture
def every_combination() -> dict[int, tuple[str, bool, bool, bool]]:
    facts = {}
    for state, open_, full, waiting in COMBINATIONS:
        group = GroupFactory(
            state=state, open_for_new_members=open_, capacity=4, member_count=4 if full else 3
        )
        if waiting:
            WaitingListEntry.objects.create(group=group, user=UserFactory())
        facts[group.pk] = (state, open_, full, waiting)
    return facts


def _in_python(statuses: set[str], *, states: tuple[str, ...]) -> set[int]:
    return {
        group.pk
        for group in Group.objects.all()
        if group.state in states and group.public_status in statuses
    }


def _in_sql(statuses: set[str], *, states: tuple[str, ...]) -> set[int]:
    return set(
        Group.objects.filter(public_status_q(statuses, states=states)).values_list("pk", flat=True)
    )


def test_python_and_sql_agree_on_every_combination(every_combination):
    assert len(every_combination) == len(Group.State) * 2 * 2 * 2
    every_state = tuple(Group.State)
    seen = set()
    for size in range(1, len(PublicStatus) + 1):
        for statuses in itertools.combinations(PublicStatus.values, size):
            wanted = set(statuses)
            in_python = _in_python(wanted, states=every_state)
            assert _in_sql(wanted, states=every_state) == in_python, statuses
            if size == 1:
                seen.add(statuses[0])
                assert in_python, f"no combination is {statuses[0]}"
    assert seen == set(PublicStatus.values)


def test_the_finder_condition_covers_public_groups_only(every_combination):
    public = set(Group.objects.public().values_list("pk", flat=True))
    for status in PublicStatus.values:
        in_sql = _in_sql({status}, states=Group.State.ACTIVE)
        assert in_sql == _in_python({status}, states=Group.State.ACTIVE)
        assert in_sql <= public


def test_each_status_on_the_facts_that_make_it(every_combination):
    statuses = {
        facts: Group.objects.get(pk=pk).public_status for pk, facts in every_combination.items()
    }
    for (state, open_, full, waiting), status in statuses.items():
        # People on the waiting list change nothing: "full" is the group's seats.
        assert statuses[(state, open_, full, not waiting)] == status
        if state == Group.State.PAUSED:
            assert status == PublicStatus.PAUSED
        elif full and open_ and state in Group.State.JOINABLE:
            # Only a group one can put oneself on the waiting list of says so.
            assert status == PublicStatus.WAITING_LIST
        elif full:
            assert status == PublicStatus.FULL
        elif state == Group.State.FORMING:
            assert status == PublicStatus.STARTING_SOON
        else:
            assert status == (PublicStatus.OPEN if open_ else PublicStatus.CLOSED)


def test_the_finder_filter_names_the_states_outright():
    """As plain as the hand-written condition the finder was measured with."""
    sql = str(Group.objects.filter(public_status_q({"open", "waiting_list"})).query)
    assert "NOT" not in sql
    assert '"state" IN (starting, self_run)' in sql
    assert '"state" IN (forming, starting, self_run)' in sql


def test_a_full_closed_group_is_full_and_not_under_the_waiting_list_filter():
    group = GroupFactory(
        state=Group.State.SELF_RUN, open_for_new_members=False, capacity=4, member_count=4
    )
    assert group.public_status == PublicStatus.FULL
    assert str(group.get_public_status_display()) == "Full"
    assert not Group.objects.filter(public_status_q({"waiting_list"}), pk=group.pk).exists()
    assert Group.objects.filter(public_status_q({"full"}), pk=group.pk).exists()


def test_page_finder_and_api_say_the_same(client):
    """A full closed group reads «Full» everywhere; a full open one has a waiting list."""
    closed, waiting = (
        GroupFactory(
            state=Group.State.SELF_RUN,
            format=Group.Format.DIGITAL,
            kommune=None,
            open_for_new_members=open_,
            capacity=4,
            member_count=4,
        )
        for open_ in (False, True)
    )
    for group, status, label in (
        (closed, "full", "Full"),
        (waiting, "waiting_list", "Full, with waiting list"),
    ):
        api = client.get(f"/api/v1/groups/{group.slug}", HTTP_ACCEPT_LANGUAGE="en").json()
        assert (api["status"], api["status_label"]) == (status, label)
        page = client.get(group.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f">{label}</span>" in page
        assert ("join the waiting list" in page) == (status == "waiting_list")
        assert ("waiting list" in page) == (status == "waiting_list")
    found = client.get("/api/v1/groups", {"status": "waiting_list", "format": "digital"}).json()
    listed = {row["slug"] for row in found["results"] + found["digital"]}
    assert listed == {waiting.slug}
