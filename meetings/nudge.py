"""Nudging initiators to step back once a group has met a few times.

The meetings held are the group's stored meetings since it entered
``starting`` that took place (not cancelled) and have an attendance count.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import AuditEvent
from core.services import audit
from groups.models import Group, Membership

from .models import Meeting

OSLO = ZoneInfo("Europe/Oslo")


def meetings_since_start(*, group: Group, now: datetime.datetime | None = None) -> int:
    """Meetings held since the group started its first meetings, up to ``now``.

    A meeting counts as held when it has started, was not cancelled and
    somebody recorded how many came (``Meeting.attendance``): the
    schedule alone says nothing about whether the group met.
    """
    if group.state != Group.State.STARTING:
        return 0
    return Meeting.objects.filter(
        group=group,
        starts_at__gte=group.state_changed_at,
        starts_at__lte=now or timezone.now(),
        cancelled_at__isnull=True,
        attendance__isnull=False,
    ).count()


def should_nudge(*, group: Group, now: datetime.datetime | None = None) -> bool:
    return meetings_since_start(group=group, now=now) >= settings.SELVHJELP_STEP_BACK_NUDGE_AFTER


@shared_task(name="meetings.nudge.nudge_initiators", ignore_result=True)
def nudge_initiators() -> None:
    """Daily: e-mail the initiators of each group that has met often enough, once.

    Idempotent: an audit row per group marks the nudge as sent; the group row
    is locked while sending. The subject and body name neither group nor theme.
    """
    for group_id in Group.objects.filter(state=Group.State.STARTING).values_list("pk", flat=True):
        nudge_group(group_id)


def nudge_group(group_id: int) -> bool:
    """Put one step-back nudge per initiator in the outbox, once per group.

    Idempotent: the outbox key is per group and initiator; the group row is
    locked while the rows are added. Returns whether anything was added.
    """
    from notifications.services import enqueue

    with transaction.atomic():
        group = Group.objects.select_for_update().filter(pk=group_id).first()
        if group is None or not should_nudge(group=group):
            return False
        initiators = (
            Membership.objects.active()
            .filter(group=group, role=Membership.Role.INITIATOR)
            .select_related("user")
        )
        added = 0
        for membership in initiators:
            message = enqueue(
                key=f"step_back_nudge:g={group.pk}:u={membership.user_id}",
                kind="step_back_nudge",
                recipient=membership.user,
                params={"group": group.pk},
            )
            added += message is not None
        if added:
            audit(
                actor=None,
                event=AuditEvent.Event.GROUP_STEP_BACK_NUDGED,
                target=group,
                data={"initiators": added},
            )
        return bool(added)
