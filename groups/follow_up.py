"""When a contact point should get in touch with a group: one home for the rule.

The contact point's list of its groups (``views_staff``) and the district
statistics' follow-up list (``monitoring.selectors.follow_up``) both flag a
group for the same reasons, read from the group row and whether it has an
active initiator. Whether it met lately is the statistics' own (it reads the
meetings).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Group, Membership

State = Group.State

STARTING_TOO_LONG = datetime.timedelta(weeks=12)
FORMING_TOO_LONG = datetime.timedelta(weeks=8)
FEW_MEMBERS = 3


def active_initiators() -> QuerySet[Membership]:
    """For ``Exists``: the group's active initiators."""
    return Membership.objects.filter(
        group=OuterRef("pk"), role=Membership.Role.INITIATOR, status=Membership.Status.ACTIVE
    )


def with_initiator_flag(groups: QuerySet[Group]) -> QuerySet[Any]:
    """``has_initiator`` on each row, in the same query."""
    return groups.annotate(has_initiator=Exists(active_initiators()))


def flagged_q(*, now: datetime.datetime) -> Q:
    """The groups :func:`reasons` has something to say about (the statistics add their own)."""
    return (
        Q(state=State.STARTING, state_changed_at__lt=now - STARTING_TOO_LONG)
        | Q(state__in=State.MEETING, member_count__lt=FEW_MEMBERS)
        | Q(state=State.FORMING, state_changed_at__lt=now - FORMING_TOO_LONG)
        | Q(Q(state__in=State.GUIDED), ~Exists(active_initiators()))
    )


def reasons(
    *,
    state: str,
    state_changed_at: datetime.datetime,
    member_count: int,
    has_initiator: bool,
    now: datetime.datetime,
) -> list[str]:
    """Why a contact point should look at the group, in the active language."""
    found = []
    if state in State.GUIDED and not has_initiator:
        # Nobody can start the first meetings, or step back, without one.
        found.append(
            _("Forming without an initiator")
            if state == State.FORMING
            else _("Starting without an initiator")
        )
    if state == State.FORMING and state_changed_at < now - FORMING_TOO_LONG:
        found.append(_("Forming for more than 8 weeks"))
    if state == State.STARTING and state_changed_at < now - STARTING_TOO_LONG:
        found.append(_("Starting for more than 12 weeks"))
    if state in State.MEETING and member_count < FEW_MEMBERS:
        found.append(_("Fewer than 3 members"))
    return found
