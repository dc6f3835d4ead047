"""Demo meetings for ``seed_demo``: stored schedules, a cancelled meeting,
some notices of absence and attendance counts. Idempotent."""

from __future__ import annotations

import datetime

from groups.models import Group, Membership
from meetings import schedule
from meetings.models import Absence, Meeting
from meetings.services import meetings_materialise

# Even, so that a fortnightly group's weeks keep their parity.
PAST_WEEKS = 4


def seed_demo_meetings(*, now: datetime.datetime) -> None:
    # The seed writes group rows directly, so the meetings follow here: a
    # re-seed may have put a group back into another state or schedule.
    # Groups that do not meet lose their untouched future meetings.
    for group_id in Group.objects.exclude(state__in=Group.State.MEETING).values_list(
        "pk", flat=True
    ):
        meetings_materialise(group_id=group_id, now=now)
    groups = Group.objects.filter(state__in=Group.State.MEETING).order_by("slug")
    for index, group in enumerate(groups):
        meetings_materialise(group_id=group.pk, now=now)
        group.refresh_from_db()
        members = list(Membership.objects.active().filter(group=group).order_by("pk"))
        # The last few meetings were held and counted.
        held = schedule.occurrences(
            group,
            start=now - datetime.timedelta(weeks=PAST_WEEKS),
            end=now - datetime.timedelta(hours=3),
            anchor=(group.schedule_anchor or now.date()) - datetime.timedelta(weeks=PAST_WEEKS),
        )
        for number, (begins, ends) in enumerate(held):
            Meeting.objects.get_or_create(
                group=group,
                occurrence=begins,
                defaults={
                    "starts_at": begins,
                    "ends_at": ends,
                    "attendance": max(0, len(members) - number % 2),
                    "attendance_recorded_at": ends,
                },
            )
        coming = list(
            Meeting.objects.filter(group=group, starts_at__gt=now).order_by("starts_at")[:3]
        )
        if not coming:
            continue
        for membership in members[:2]:
            Absence.objects.get_or_create(meeting=coming[0], membership=membership)
        if index == 0 and len(coming) == 3 and coming[2].cancelled_at is None:
            Meeting.objects.filter(pk=coming[2].pk).update(
                cancelled_at=now, note="Vi tar fri denne uka."
            )
