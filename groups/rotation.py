"""Shared practical tasks in a leaderless group: host of the week and contact person.

Nobody is in charge of these turns. Members opt in to hosting themselves; the
weekly task plans the next weeks for every running group, and any member may
swap their own turn with another host's turn.

Contact person: how long the current one has held the task is read from the
audit log (the latest ``group.contact_person_changed`` event for the group),
so that no extra column is needed on ``Group``. A group without such an event
(its contact person was set by hand, or never) is due for rotation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit

from .models import Group, HostTurn, Membership

PLAN_WEEKS = 8
CONTACT_PERSON_TERM = datetime.timedelta(weeks=4)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def this_monday() -> datetime.date:
    return monday_of(timezone.localdate())


def _rotation_order(memberships: list[Membership]) -> list[Membership]:
    return sorted(memberships, key=lambda m: (m.joined_at, m.pk))


def _next_after(order: list[Membership], previous: Membership | None) -> Membership:
    """The member after ``previous`` in joining order, wrapping round.

    ``previous`` may no longer be in ``order`` (left or opted out): the turn
    then goes to whoever joined after them.
    """
    if previous is None:
        return order[0]
    key = (previous.joined_at, previous.pk)
    for candidate in order:
        if (candidate.joined_at, candidate.pk) > key:
            return candidate
    return order[0]


def hosts_eligible(*, group: Group) -> list[Membership]:
    """Active members who opted in to hosting, in joining order.

    Initiators are left out: they step out of the group after the start.
    """
    return _rotation_order(
        list(
            Membership.objects.active().filter(group=group, hosts=True, role=Membership.Role.MEMBER)
        )
    )


# --- Host of the week: services ------------------------------------------------


@transaction.atomic
def rotation_plan(
    *, group: Group, weeks: int = PLAN_WEEKS, today: datetime.date | None = None
) -> list[HostTurn]:
    """Make sure every one of the next ``weeks`` weeks (this one first) has a host.

    Existing turns of eligible hosts are kept; turns of members who left or
    opted out are given to the next host in line. Idempotent: a second run
    with the same members changes nothing.
    """
    Group.objects.select_for_update().filter(pk=group.pk).first()
    start = monday_of(today or timezone.localdate())
    order = hosts_eligible(group=group)
    eligible_ids = {m.pk for m in order}
    existing = {
        t.week: t
        for t in HostTurn.objects.filter(group=group, week__gte=start).select_related("membership")
    }
    if not order:
        # Nobody to hand the turns to: drop the turns nobody will take.
        HostTurn.objects.filter(group=group, week__gte=start).exclude(
            membership_id__in=eligible_ids
        ).delete()
        return []
    last_turn = (
        HostTurn.objects.filter(group=group, week__lt=start)
        .select_related("membership")
        .order_by("-week")
        .first()
    )
    previous = last_turn.membership if last_turn else None
    plan: list[HostTurn] = []
    for i in range(weeks):
        week = start + datetime.timedelta(weeks=i)
        turn = existing.get(week)
        if turn is not None and turn.membership_id in eligible_ids:
            previous = turn.membership
            plan.append(turn)
            continue
        host = _next_after(order, previous)
        if turn is None:
            turn = HostTurn.objects.create(group=group, week=week, membership=host)
        else:
            turn.membership = host
            turn.save(update_fields=["membership"])
        previous = host
        plan.append(turn)
    return plan


@transaction.atomic
def membership_set_hosting(*, membership: Membership, hosts: bool) -> Membership:
    """A member opts in to (or out of) hosting; the plan is redone at once."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.status != Membership.Status.ACTIVE:
        raise DomainError(_("Only active members take turns as host."), code="not_active")
    if locked.role != Membership.Role.MEMBER:
        raise DomainError(_("Initiators do not take turns as host."), code="initiator")
    if locked.hosts != hosts:
        locked.hosts = hosts
        locked.save(update_fields=["hosts"])
        audit(
            actor=None,
            event=AuditEvent.Event.MEMBERSHIP_HOSTING_CHANGED,
            target=locked,
            data={"hosts": hosts},
        )
    if locked.group.state in Group.State.MEETING:
        # A new volunteer should not wait until the planned weeks run out:
        # the weeks after this one are dealt out again among everyone who
        # hosts now (this week's host stays, so nobody is surprised today).
        HostTurn.objects.filter(group=locked.group, week__gt=this_monday()).delete()
        rotation_plan(group=locked.group)
    return locked


@transaction.atomic
def host_turn_swap(*, actor: Any, own_turn_id: int, other_turn_id: int) -> None:
    """Swap the actor's own upcoming turn with another host's upcoming turn.

    Both turns must be in the same group, this week or later, and held by
    active members who host. Anything else is refused and nothing changes.
    """
    refused = DomainError(_("That swap is not possible."), code="swap_refused")
    if own_turn_id == other_turn_id:
        raise refused
    turns = {
        t.pk: t
        for t in HostTurn.objects.select_for_update()
        .filter(pk__in=[own_turn_id, other_turn_id])
        .order_by("pk")
    }
    own, other = turns.get(own_turn_id), turns.get(other_turn_id)
    if own is None or other is None or own.group_id != other.group_id:
        raise refused
    memberships = {
        m.pk: m
        for m in Membership.objects.select_for_update()
        .filter(pk__in=[own.membership_id, other.membership_id])
        .order_by("pk")
    }
    mine, theirs = memberships.get(own.membership_id), memberships.get(other.membership_id)
    start = this_monday()
    if (
        mine is None
        or theirs is None
        or mine.pk == theirs.pk
        or mine.user_id != getattr(actor, "pk", None)
        or own.week < start
        or other.week < start
        or not all(m.status == Membership.Status.ACTIVE and m.hosts for m in (mine, theirs))
    ):
        raise refused
    own.membership, other.membership = theirs, mine
    HostTurn.objects.bulk_update([own, other], ["membership"])
    audit(
        actor=None,
        event=AuditEvent.Event.GROUP_HOST_TURN_SWAPPED,
        target=own.group,
        data={"turns": [own.pk, other.pk]},
    )


# --- Host of the week: selectors -----------------------------------------------


@dataclass(frozen=True)
class RotationView:
    """What the inside page shows about the practical turns."""

    this_week: HostTurn | None
    upcoming: list[HostTurn]
    own_turns: list[HostTurn]
    swappable: list[HostTurn]
    contact_person: Membership | None


def rotation_for_member(*, group: Group, membership: Membership) -> RotationView:
    """The coming turns, as display names only, and what this member may do."""
    start = this_monday()
    turns = list(
        HostTurn.objects.filter(
            group=group,
            week__gte=start,
            week__lt=start + datetime.timedelta(weeks=PLAN_WEEKS),
            membership__status=Membership.Status.ACTIVE,
        )
        .select_related("membership__user")
        .order_by("week")
    )
    this_week = turns[0] if turns and turns[0].week == start else None
    own = [t for t in turns if t.membership_id == membership.pk]
    swappable = [t for t in turns if t.membership_id != membership.pk and t.membership.hosts]
    contact_person = None
    if group.contact_person_id is not None:
        contact_person = (
            Membership.objects.active()
            .filter(pk=group.contact_person_id)
            .select_related("user")
            .first()
        )
    return RotationView(
        this_week=this_week,
        upcoming=turns[1:] if this_week else turns,
        own_turns=own if membership.hosts else [],
        swappable=swappable,
        contact_person=contact_person,
    )


# --- Contact person ---------------------------------------------------------------


def contact_person_candidates(*, group: Group) -> list[Membership]:
    return _rotation_order(
        list(Membership.objects.active().filter(group=group, role=Membership.Role.MEMBER))
    )


def contact_person_since(*, group: Group) -> datetime.datetime | None:
    """When the contact person last changed, from the audit log."""
    event = (
        AuditEvent.objects.filter(
            event=AuditEvent.Event.GROUP_CONTACT_PERSON_CHANGED,
            target_type=Group._meta.label_lower,
            target_id=str(group.pk),
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    return event.created_at if event else None


@transaction.atomic
def contact_person_rotate(*, group: Group, actor: Any | None = None) -> Membership | None:
    """Give the contact person task to the next active member by joining order."""
    locked = Group.objects.select_for_update().get(pk=group.pk)
    candidates = contact_person_candidates(group=locked)
    current = (
        Membership.objects.filter(pk=locked.contact_person_id).first()
        if locked.contact_person_id
        else None
    )
    # With one member left the task stays with them, and a new term starts.
    new = _next_after(candidates, current) if candidates else None
    if new is None and current is None:
        return None
    locked.contact_person = new
    locked.save(update_fields=["contact_person"])
    audit(
        actor=None,
        event=AuditEvent.Event.GROUP_CONTACT_PERSON_CHANGED,
        target=locked,
        data={
            "from": current.pk if current else None,
            "to": new.pk if new else None,
        },
    )
    group.contact_person = new
    return new


def contact_person_due(*, group: Group, now: datetime.datetime | None = None) -> bool:
    """Whether the weekly task should move the contact person on."""
    now = now or timezone.now()
    if group.contact_person_id is None:
        return contact_person_candidates(group=group) != []
    holder = Membership.objects.filter(pk=group.contact_person_id).first()
    if holder is None or holder.status != Membership.Status.ACTIVE:
        return True
    since = contact_person_since(group=group)
    return since is None or now - since >= CONTACT_PERSON_TERM


def contact_person_hand_on(*, group: Group, actor: Any) -> Membership | None:
    """The contact person hands the task on to the next member themselves.

    When nobody holds it, any active member may start the rotation.
    """
    with transaction.atomic():
        locked = Group.objects.select_for_update().get(pk=group.pk)
        holder = (
            Membership.objects.active().filter(pk=locked.contact_person_id).first()
            if locked.contact_person_id
            else None
        )
        if holder is not None and holder.user_id != actor.pk:
            raise DomainError(
                _("Only the contact person can hand the task on."), code="not_contact_person"
            )
        return contact_person_rotate(group=locked, actor=actor)


# --- The weekly task -----------------------------------------------------------


def group_rotate_weekly(*, group_id: int) -> None:
    group = Group.objects.filter(pk=group_id, state__in=Group.State.MEETING).first()
    if group is None:
        return
    rotation_plan(group=group)
    if contact_person_due(group=group):
        contact_person_rotate(group=group)


@shared_task(name="groups.rotation.plan_all_groups", ignore_result=True)
def plan_all_groups() -> None:
    """Plan host turns and move due contact persons for every running group.

    Idempotent: planning keeps existing turns, and a contact person is only
    moved once their four weeks are up, so a second run the same day changes
    nothing.
    """
    ids = list(Group.objects.filter(state__in=Group.State.MEETING).values_list("pk", flat=True))
    for group_id in ids:
        group_rotate_weekly(group_id=group_id)
