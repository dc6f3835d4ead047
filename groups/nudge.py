"""Nudging initiators to step back once a group has met a few times.

Until meetings are recorded one by one, the meetings held are counted from
the group's schedule: every weekly (or fortnightly) occurrence since the group
entered ``starting`` whose start time has passed.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.models import AuditEvent
from core.services import audit

from .models import Group, Membership

OSLO = ZoneInfo("Europe/Oslo")
NUDGED_EVENT = "group.step_back_nudged"


def meetings_since_start(*, group: Group, now: datetime.datetime | None = None) -> int:
    """Scheduled meetings from the start of the first meetings up to ``now``.

    Counted in Oslo wall-clock time, so a daylight-saving change moves no
    meeting across ``now``.
    """
    if group.state != Group.State.STARTING:
        return 0
    now_local = (now or timezone.now()).astimezone(OSLO).replace(tzinfo=None)
    started = group.state_changed_at.astimezone(OSLO).replace(tzinfo=None)
    days_ahead = (group.weekday - started.weekday()) % 7
    first = datetime.datetime.combine(
        started.date() + datetime.timedelta(days=days_ahead), group.start_time
    )
    if first < started:
        first += datetime.timedelta(days=7)
    if now_local < first:
        return 0
    step = datetime.timedelta(days=14 if group.cadence == Group.Cadence.FORTNIGHTLY else 7)
    return (now_local - first) // step + 1


def should_nudge(*, group: Group, now: datetime.datetime | None = None) -> bool:
    return meetings_since_start(group=group, now=now) >= settings.SELVHJELP_STEP_BACK_NUDGE_AFTER


@shared_task(name="groups.nudge.nudge_initiators", ignore_result=True)
def nudge_initiators() -> None:
    """Daily: e-mail the initiators of each group that has met often enough, once.

    Idempotent: an audit row per group marks the nudge as sent; the group row
    is locked while sending. The subject and body name neither group nor theme.
    """
    for group_id in Group.objects.filter(state=Group.State.STARTING).values_list("pk", flat=True):
        nudge_group(group_id)


def nudge_group(group_id: int) -> bool:
    with transaction.atomic():
        group = Group.objects.select_for_update().filter(pk=group_id).first()
        if group is None or not should_nudge(group=group):
            return False
        if AuditEvent.objects.filter(
            event=NUDGED_EVENT, target_type="groups.group", target_id=str(group.pk)
        ).exists():
            return False
        initiators = (
            Membership.objects.active()
            .filter(group=group, role=Membership.Role.INITIATOR)
            .select_related("user")
        )
        for membership in initiators:
            user = membership.user
            with translation.override(user.language or settings.LANGUAGE_CODE):
                subject = gettext("Selvhjelp: time to step back?")
                body = render_to_string(
                    "emails/step_back_nudge.txt",
                    {
                        "meetings": settings.SELVHJELP_STEP_BACK_NUDGE_AFTER,
                        "url": settings.SITE_URL
                        + reverse("groups:inside", kwargs={"slug": group.slug}),
                    },
                )
            send_mail(subject, body, None, [user.email])
        audit(actor=None, event=NUDGED_EVENT, target=group, data={"initiators": len(initiators)})
        return True
