"""Reads about meetings that the group page, the meeting page and the feed share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from groups.models import Group, Membership
from pledges.models import GroupPledgeLines, PledgeSignature
from pledges.selectors import pledge_current

from .models import Absence, Meeting

# Members see this many meetings ahead.
UPCOMING_LIMIT = 8


def upcoming_for_group(
    *, group: Group, now: datetime.datetime | None = None, limit: int = UPCOMING_LIMIT
) -> list[Meeting]:
    """The next meetings (cancelled ones included, marked); none while the group does not meet."""
    if group.state not in Group.State.MEETING:
        return []
    return list(
        Meeting.objects.filter(group=group, ends_at__gt=now or timezone.now()).order_by(
            "starts_at", "pk"
        )[:limit]
    )


def recent_for_group(*, group: Group, now: datetime.datetime | None = None) -> list[Meeting]:
    """Meetings that have started in the last four weeks, newest first (for counts)."""
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(
            group=group,
            starts_at__lte=now,
            starts_at__gt=now - datetime.timedelta(weeks=4),
            cancelled_at__isnull=True,
        ).order_by("-starts_at")[:4]
    )


def inside_page_part(group: Group, membership: Membership) -> dict[str, Any]:
    """The meetings on a group's inside page (registered with ``groups.inside``).

    The next meetings, who sent notice for the first of them, counts to
    record, and for an initiator of a starting group the meetings held so far
    and whether it is time to step back.
    """
    from . import nudge

    now = timezone.now()
    upcoming = upcoming_for_group(group=group, now=now)
    next_meeting = next((m for m in upcoming if not m.is_cancelled), None)
    return {
        "now": now,
        "meets": group.state in Group.State.MEETING,
        "upcoming": upcoming,
        "next_meeting": next_meeting,
        "next_absences": absence_summary(meeting=next_meeting) if next_meeting else None,
        "next_link": meeting_link(next_meeting, now) if next_meeting and group.is_digital else "",
        "link_opens_minutes": settings.SELVHJELP_LINK_OPENS_MINUTES,
        "own_absences": own_absence_ids(membership=membership, meetings=upcoming),
        "recent": recent_for_group(group=group, now=now),
        "meetings_held": nudge.meetings_since_start(group=group),
        "nudge_step_back": membership.role == Membership.Role.INITIATOR
        and nudge.should_nudge(group=group),
    }


def meeting_get_internal(*, group: Group, pk: int) -> Meeting:
    """A meeting of ``group`` (the caller has checked the viewer is inside it)."""
    return get_object_or_404(Meeting.objects.select_related("group"), group=group, pk=pk)


def link_window(meeting: Meeting) -> tuple[datetime.datetime, datetime.datetime]:
    opens = meeting.starts_at - datetime.timedelta(minutes=settings.SELVHJELP_LINK_OPENS_MINUTES)
    return opens, meeting.ends_at


def meeting_link(meeting: Meeting, now: datetime.datetime | None = None) -> str:
    """The digital meeting link, only from shortly before the start until the end."""
    now = now or timezone.now()
    opens, closes = link_window(meeting)
    if meeting.is_cancelled or not opens <= now < closes:
        return ""
    return meeting.meeting_url or meeting.group.meeting_url


def meeting_place(meeting: Meeting) -> str:
    return meeting.place or meeting.group.place


@dataclass
class AbsenceSummary:
    meeting: Meeting
    names: list[str]
    members: int

    @property
    def count(self) -> int:
        return len(self.names)


def absence_summary(*, meeting: Meeting) -> AbsenceSummary:
    """Who has sent notice for ``meeting``, by display name, out of the active participants."""
    names = list(
        Absence.objects.filter(meeting=meeting, membership__status=Membership.Status.ACTIVE)
        .order_by("created_at")
        .values_list("membership__user__display_name", flat=True)
    )
    members = Membership.objects.active().filter(group_id=meeting.group_id).count()
    return AbsenceSummary(meeting=meeting, names=names, members=members)


def own_absence_ids(*, membership: Membership, meetings: list[Meeting]) -> set[int]:
    return set(
        Absence.objects.filter(membership=membership, meeting__in=meetings).values_list(
            "meeting_id", flat=True
        )
    )


@dataclass
class FeedEntry:
    meeting: Meeting
    signed: bool


def feed_entries(*, user: Any, now: datetime.datetime | None = None) -> list[FeedEntry]:
    """The next meetings of every group ``user`` takes part in, as the group pages list them.

    ``signed`` says whether the member has signed the group's current pledge;
    only then may the place go into the calendar.
    """
    now = now or timezone.now()
    memberships = list(
        Membership.objects.active()
        .filter(user=user, group__state__in=Group.State.MEETING)
        .select_related("group")
        .prefetch_related(
            Prefetch(
                "group__meetings",
                queryset=Meeting.objects.filter(ends_at__gt=now).order_by("starts_at", "pk"),
                to_attr="coming",
            )
        )
    )
    signed_ids = _signed_current(memberships)
    entries: list[FeedEntry] = []
    for membership in memberships:
        signed = membership.pk in signed_ids
        for meeting in membership.group.coming[:UPCOMING_LIMIT]:  # type: ignore[attr-defined]
            meeting.group = membership.group
            entries.append(FeedEntry(meeting=meeting, signed=signed))
    entries.sort(key=lambda entry: (entry.meeting.starts_at, entry.meeting.pk))
    return entries


def _signed_current(memberships: list[Membership]) -> set[int]:
    """Which of ``memberships`` signed the current pledge with their group's current lines.

    The rule of ``pledges.selectors.membership_has_signed_current``, read for
    several groups in three queries.
    """
    pledge = pledge_current()
    if pledge is None or not memberships:
        return set()
    revisions = dict(
        GroupPledgeLines.objects.filter(group_id__in={m.group_id for m in memberships}).values_list(
            "group_id", "revision"
        )
    )
    signatures = PledgeSignature.objects.filter(
        membership__in=memberships, pledge=pledge
    ).values_list("membership_id", "membership__group_id", "group_lines_revision")
    return {
        membership_id
        for membership_id, group_id, revision in signatures
        if revision == revisions.get(group_id, 0)
    }


def membership_for_meeting(*, meeting: Meeting, user: Any) -> Membership:
    membership = Membership.objects.active().filter(group_id=meeting.group_id, user=user).first()
    if membership is None:
        raise Http404
    return membership
