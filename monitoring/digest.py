"""The weekly digest e-mail to district office staff.

Every Monday morning beat runs ``tasks.enqueue_weekly_digests``: one outbox
row per district staff member and ISO week (the key holds both, so a second
run adds nothing). The row holds ids and the week only; the numbers are
counted and rendered at send time, in the recipient's language. Counts of
groups and meetings only: no people, no group names, no themes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from groups.models import Group
from meetings.models import Meeting
from notifications import registry, services
from notifications.models import OutgoingMessage
from organisations.models import District, StaffRole
from places.models import Kommune

from .filters import OSLO, Scope, month_start, oslo_midnight
from .selectors import follow_up

KIND = "district_digest"


def iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> datetime.date:
    return datetime.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def previous_week(today: datetime.date) -> str:
    return iso_week(today - datetime.timedelta(days=7))


@dataclass
class DistrictWeek:
    district: District
    new_groups: int
    started: int
    self_run: int
    ended: int
    meetings_held: int
    needs_follow_up: str  # "200+" when the list is longer than the page shows


def _district_scope(district: District, day: datetime.date) -> Scope:
    kommune_ids = tuple(
        Kommune.objects.filter(fylke__district=district).values_list("pk", flat=True)
    )
    month = month_start(day)
    return Scope(
        districts=(district,),
        national=False,
        kommune_ids=kommune_ids,
        fylke=None,
        kommune=None,
        theme=None,
        first_month=month,
        last_month=month,
    )


def district_week(*, district: District, week: str) -> DistrictWeek:
    """What changed in ``district`` during ``week``, and what needs follow-up now."""
    monday = week_monday(week)
    start = oslo_midnight(monday)
    end = oslo_midnight(monday + datetime.timedelta(days=7))
    scope = _district_scope(district, monday)
    groups = Group.objects.exclude(state=Group.State.DRAFT).filter(scope.area_q())
    in_week = {"__gte": start, "__lt": end}

    def between(field: str) -> dict[str, Any]:
        return {f"{field}{suffix}": value for suffix, value in in_week.items()}

    now = timezone.now()
    meetings = Meeting.objects.filter(
        scope.area_q("group__"),
        cancelled_at__isnull=True,
        starts_at__gte=start,
        starts_at__lt=min(end, now),
    )
    flagged = follow_up(scope)
    return DistrictWeek(
        district=district,
        new_groups=groups.filter(**between("published_at")).count(),
        started=groups.filter(state=Group.State.STARTING, **between("state_changed_at")).count(),
        self_run=groups.filter(**between("self_run_at")).count(),
        ended=groups.filter(state=Group.State.ENDED, **between("state_changed_at")).count(),
        meetings_held=meetings.count(),
        needs_follow_up=f"{len(flagged.rows)}+"
        if flagged.extra["more"]
        else str(len(flagged.rows)),
    )


@transaction.atomic
def digests_enqueue(*, today: datetime.date | None = None) -> int:
    """Queue last week's digest for every district staff member; returns how many were new.

    Idempotent: the outbox key is the staff member and the ISO week.
    """
    today = today or timezone.localdate(timezone=OSLO)
    week = previous_week(today)
    districts_of: dict[int, list[int]] = defaultdict(list)
    for user_id, district_id in (
        StaffRole.objects.filter(kind=StaffRole.Kind.DISTRICT_STAFF, user__is_active=True)
        .order_by("user_id", "district_id")
        .values_list("user_id", "district_id")
    ):
        districts_of[user_id].append(district_id)
    from accounts.models import User

    users = User.objects.in_bulk(list(districts_of))
    created = 0
    for user_id, district_ids in districts_of.items():
        message = services.enqueue(
            key=f"{KIND}:u={user_id}:w={week}",
            kind=KIND,
            recipient=users[user_id],
            params={"week": week, "districts": ",".join(str(d) for d in district_ids)},
        )
        created += message is not None
    return created


@registry.register(KIND)
def render(message: OutgoingMessage) -> registry.Rendered | None:
    """The digest in the recipient's language; None if they no longer work at a district."""
    user = message.recipient
    if user is None:
        return None
    week = str(message.params.get("week", ""))
    wanted = [int(d) for d in str(message.params.get("districts", "")).split(",") if d]
    districts = list(
        District.objects.filter(
            pk__in=wanted,
            staff_roles__user=user,
            staff_roles__kind=StaffRole.Kind.DISTRICT_STAFF,
        )
        .distinct()
        .order_by("name")
    )
    if not districts or not week:
        return None
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        context = {
            "week": week,
            "weeks": settings.SELVHJELP_FOLLOW_UP_WEEKS,
            "reports": [district_week(district=d, week=week) for d in districts],
            "url": settings.SITE_URL + reverse("monitoring:dashboard"),
        }
        return registry.Rendered(
            subject=gettext("Selvhjelp: weekly district summary, week %(week)s") % {"week": week},
            text=render_to_string("monitoring/emails/district_digest.txt", context),
            html=render_to_string("monitoring/emails/district_digest.html", context),
        )
