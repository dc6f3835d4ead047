"""Host of the week, contact person and the meeting guide."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from core.models import AuditEvent
from core.services import DomainError
from groups import rotation
from groups.models import Group, HostTurn, Membership
from meetings.schedule import OSLO
from tests.conftest import login
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_group(n: int = 3, **kw):
    group = GroupFactory(state=Group.State.SELF_RUN, **kw)
    start = timezone.now() - datetime.timedelta(days=100)
    members = [
        MembershipFactory(
            group=group,
            hosts=True,
            joined_at=start + datetime.timedelta(days=i),
            pledge_signed=True,
        )
        for i in range(n)
    ]
    return group, members


def hosts_by_week(group):
    return [t.membership_id for t in HostTurn.objects.filter(group=group).order_by("week")]


def test_plan_rotates_in_joining_order_and_is_idempotent():
    group, (a, b, c) = make_group()
    rotation.rotation_plan(group=group, weeks=5)
    first = list(HostTurn.objects.filter(group=group).values_list("pk", "week", "membership_id"))
    assert [m for _, _, m in first] == [a.pk, b.pk, c.pk, a.pk, b.pk]
    assert first[0][1] == rotation.this_monday()
    rotation.rotation_plan(group=group, weeks=5)
    again = list(HostTurn.objects.filter(group=group).values_list("pk", "week", "membership_id"))
    assert again == first


def test_plan_continues_from_the_last_host():
    group, (a, b, c) = make_group()
    HostTurn.objects.create(
        group=group, week=rotation.this_monday() - datetime.timedelta(weeks=1), membership=a
    )
    rotation.rotation_plan(group=group, weeks=3)
    assert hosts_by_week(group)[1:] == [b.pk, c.pk, a.pk]


def test_plan_skips_a_member_who_left_and_reassigns_their_turns():
    group, (a, b, _c) = make_group()
    rotation.rotation_plan(group=group, weeks=6)
    b.status, b.ended_at = Membership.Status.LEFT, timezone.now()
    b.save()
    rotation.rotation_plan(group=group, weeks=6)
    hosts = hosts_by_week(group)
    assert b.pk not in hosts
    assert hosts[0] == a.pk and len(hosts) == 6


def test_opting_out_takes_one_off_the_plan():
    group, (_a, _b, c) = make_group()
    rotation.rotation_plan(group=group, weeks=4)
    rotation.membership_set_hosting(membership=c, hosts=False)
    assert c.pk not in hosts_by_week(group)


def test_swap_own_future_turn():
    group, (a, b, c) = make_group()
    turns = rotation.rotation_plan(group=group, weeks=3)
    rotation.host_turn_swap(actor=a.user, own_turn_id=turns[0].pk, other_turn_id=turns[2].pk)
    assert hosts_by_week(group) == [c.pk, b.pk, a.pk]
    assert AuditEvent.objects.filter(event=AuditEvent.Event.GROUP_HOST_TURN_SWAPPED).count() == 1


@pytest.mark.parametrize("case", ["not own", "past", "opted out", "other group", "left"])
def test_swap_refused_changes_nothing(case):
    group, (a, b, c) = make_group()
    turns = rotation.rotation_plan(group=group, weeks=3)
    actor, own, other = a.user, turns[0], turns[1]
    if case == "not own":
        actor = c.user
    elif case == "past":
        own = HostTurn.objects.create(
            group=group, week=rotation.this_monday() - datetime.timedelta(weeks=2), membership=a
        )
    elif case == "opted out":
        Membership.objects.filter(pk=b.pk).update(hosts=False)
    elif case == "other group":
        other_group, _ = make_group(1)
        other = rotation.rotation_plan(group=other_group, weeks=1)[0]
    elif case == "left":
        Membership.objects.filter(pk=b.pk).update(
            status=Membership.Status.LEFT, ended_at=timezone.now()
        )
    before = list(HostTurn.objects.order_by("pk").values_list("pk", "membership_id"))
    with pytest.raises(DomainError):
        rotation.host_turn_swap(actor=actor, own_turn_id=own.pk, other_turn_id=other.pk)
    assert list(HostTurn.objects.order_by("pk").values_list("pk", "membership_id")) == before


def test_weeks_begin_on_monday_in_oslo_through_week_53():
    # Sunday 3 January 2027, 23:30 in Oslo: still ISO week 2026-W53.
    with time_machine.travel(datetime.datetime(2027, 1, 3, 23, 30, tzinfo=OSLO)):
        assert rotation.this_monday() == datetime.date(2026, 12, 28)
    # Monday 4 January, 00:30 in Oslo (still Sunday in UTC): week 2027-W01.
    with time_machine.travel(datetime.datetime(2027, 1, 4, 0, 30, tzinfo=OSLO)):
        assert rotation.this_monday() == datetime.date(2027, 1, 4)


def test_plan_and_page_run_from_week_52_through_53_into_week_1(client):
    with time_machine.travel(datetime.datetime(2026, 12, 23, 12, 0, tzinfo=OSLO)):
        group, (a, b, c) = make_group()
        rotation.rotation_plan(group=group, weeks=3)
        weeks = HostTurn.objects.filter(group=group).order_by("week")
        assert list(weeks.values_list("week", "membership_id")) == [
            (datetime.date(2026, 12, 21), a.pk),
            (datetime.date(2026, 12, 28), b.pk),
            (datetime.date(2027, 1, 4), c.pk),
        ]
        login(client, a.user)
        page = client.get(group.inside_url("groups:inside")).content.decode()
    assert f"Uke 53 (fra 28. desember): {b.user.display_name}" in page
    # The new year's week carries its year.
    assert f"Uke 1 (fra 4. januar 2027): {c.user.display_name}" in page


def test_contact_person_rotates_by_joining_order():
    group, (a, b, c) = make_group()
    MembershipFactory(group=group, role=Membership.Role.INITIATOR)
    assert rotation.contact_person_rotate(group=group) == a
    assert rotation.contact_person_rotate(group=group) == b
    assert rotation.contact_person_rotate(group=group) == c
    assert rotation.contact_person_rotate(group=group) == a
    group.refresh_from_db()
    assert group.contact_person == a
    assert rotation.contact_person_since(group=group) is not None


def test_weekly_task_moves_contact_person_after_four_weeks_only():
    group, (a, b, _c) = make_group()
    rotation.plan_all_groups.delay()
    group.refresh_from_db()
    assert group.contact_person == a
    assert HostTurn.objects.filter(group=group).count() == rotation.PLAN_WEEKS
    rotation.plan_all_groups.delay()  # the same week: nothing moves
    group.refresh_from_db()
    assert group.contact_person == a
    AuditEvent.objects.filter(event=AuditEvent.Event.GROUP_CONTACT_PERSON_CHANGED).update(
        created_at=timezone.now() - datetime.timedelta(weeks=4, days=1)
    )
    rotation.plan_all_groups.delay()
    group.refresh_from_db()
    assert group.contact_person == b
    assert HostTurn.objects.filter(group=group).count() == rotation.PLAN_WEEKS


def test_only_the_contact_person_hands_it_on():
    group, (a, b, _c) = make_group()
    rotation.contact_person_rotate(group=group)
    with pytest.raises(DomainError):
        rotation.contact_person_hand_on(group=group, actor=b.user)
    assert rotation.contact_person_hand_on(group=group, actor=a.user) == b


def test_views_swap_toggle_and_hand_on(client):
    group, (a, b, c) = make_group()
    turns = rotation.rotation_plan(group=group, weeks=3)
    login(client, a.user)
    page = client.get(group.inside_url("groups:inside")).content.decode()
    assert a.user.display_name in page and c.user.display_name in page
    client.post(
        group.inside_url("groups:host_turn_swap"),
        {"own_turn": turns[0].pk, "other_turn": turns[1].pk},
    )
    assert hosts_by_week(group)[:2] == [b.pk, a.pk]
    url = group.inside_url("groups:hosting_toggle")
    assert client.post(url, {"hosts": ""}).status_code == 302
    a.refresh_from_db()
    assert not a.hosts
    assert a.pk not in hosts_by_week(group)
    client.post(url, {"hosts": "on"})
    a.refresh_from_db()
    assert a.hosts
    client.post(group.inside_url("groups:contact_person_hand_on"))
    group.refresh_from_db()
    assert group.contact_person == a


def test_meeting_guide_only_for_active_participants(client):
    group, (a,) = make_group(1)
    url = group.inside_url("groups:meeting_guide")
    login(client, a.user)
    assert client.get(url).status_code == 200
    outsider = UserFactory()
    former = MembershipFactory(
        group=group, status=Membership.Status.LEFT, ended_at=timezone.now()
    ).user
    stepped_back = MembershipFactory(
        group=group,
        role=Membership.Role.INITIATOR,
        status=Membership.Status.STEPPED_BACK,
        ended_at=timezone.now(),
    ).user
    for user in (outsider, former, stepped_back):
        login(client, user)
        assert client.get(url).status_code == 404
