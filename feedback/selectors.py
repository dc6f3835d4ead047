"""Who may answer, on which occasion, and what the answers add up to.

A member is asked after their fifth meeting: five meetings of their group
held since they joined (not cancelled, over, with the head count recorded)
that they sent no notice of absence for. A member who has left is asked
within ``LEAVING_WINDOW`` of leaving. Initiators are not asked: they start
the group for the contact point and step back.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from groups.models import Group, Membership
from meetings.models import Meeting
from monitoring.filters import this_month
from monitoring.suppression import PeopleCount, people, published_cell, threshold

from .models import Answer, Answered, Occasion

MEETINGS_BEFORE_ASKING = 5
LEAVING_WINDOW = datetime.timedelta(days=30)


def meetings_attended(*, membership: Membership, now: datetime.datetime | None = None) -> int:
    """Meetings held since the member joined that they did not send notice of absence for."""
    return (
        Meeting.objects.filter(
            group_id=membership.group_id,
            cancelled_at__isnull=True,
            attendance__isnull=False,
            starts_at__gte=membership.joined_at,
            ends_at__lte=now or timezone.now(),
        )
        .exclude(absences__membership=membership)
        .count()
    )


def due_occasion(
    *, membership: Membership, now: datetime.datetime | None = None
) -> Occasion | None:
    """The occasion ``membership`` has reached now, answered or not, or None."""
    now = now or timezone.now()
    if membership.role != Membership.Role.MEMBER:
        return None
    if membership.status == Membership.Status.ACTIVE:
        if meetings_attended(membership=membership, now=now) < MEETINGS_BEFORE_ASKING:
            return None
        return Occasion.FIFTH_MEETING
    if membership.status == Membership.Status.LEFT:
        if membership.ended_at is None or membership.ended_at < now - LEAVING_WINDOW:
            return None
        return Occasion.LEAVING
    return None


def has_answered(*, membership: Membership, occasion: str) -> bool:
    """Whether the person has answered (or said no thanks) on ``occasion`` in this group.

    Asked of all their memberships of the group, not only this one: a member
    who leaves, is taken back and leaves again gets a new membership, and is
    still asked once per occasion. The markers hold no answer, so this says
    nothing about what they said.
    """
    return Answered.objects.filter(
        membership__group_id=membership.group_id,
        membership__user_id=membership.user_id,
        occasion=occasion,
    ).exists()


def open_occasion(
    *, membership: Membership, now: datetime.datetime | None = None
) -> Occasion | None:
    """The occasion ``membership`` may answer on now, or None."""
    occasion = due_occasion(membership=membership, now=now)
    if occasion is None or has_answered(membership=membership, occasion=occasion):
        return None
    return occasion


def _memberships_newest_first(*, group: Group, user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(group=group, user=user).order_by("-joined_at", "-pk")[:5]


def membership_to_ask(
    *, group: Group, user: Any, now: datetime.datetime | None = None
) -> tuple[Membership, Occasion] | None:
    """The user's membership of ``group`` that may answer now, newest first, or None."""
    for membership in _memberships_newest_first(group=group, user=user):
        occasion = open_occasion(membership=membership, now=now)
        if occasion is not None:
            return membership, occasion
    return None


def membership_answered(
    *, group: Group, user: Any, now: datetime.datetime | None = None
) -> tuple[Membership, Occasion] | None:
    """The user's membership of ``group`` whose occasion is due but already answered.

    For the questions' page: the person who comes back to it is told that
    they have answered, rather than shown a page that is not there.
    """
    for membership in _memberships_newest_first(group=group, user=user):
        occasion = due_occasion(membership=membership, now=now)
        if occasion is not None and has_answered(membership=membership, occasion=occasion):
            return membership, occasion
    return None


def inside_page_part(group: Group, membership: Membership) -> dict[str, Any]:
    """For the inside page: the link to the questions while they are open."""
    if open_occasion(membership=membership) is None:
        return {}
    return {"feedback_url": group.inside_url("feedback:answer")}


def url_after_leaving(membership: Membership) -> str | None:
    """Where a member who has just left is sent: the questions, if they may answer."""
    if open_occasion(membership=membership) is None:
        return None
    return membership.group.inside_url("feedback:answer")


# --- What staff see ---------------------------------------------------------------


@dataclass(frozen=True)
class GroupFeedback:
    """One group's released answers as staff may see them: each count under the rule."""

    group: Group
    answers: PeopleCount  # at least the threshold: only whole batches count
    works: list[tuple[int, PeopleCount]]
    safe: list[tuple[str, PeopleCount]]
    texts: list[str]


def answers_over(*, groups: QuerySet[Group]) -> QuerySet[Answer]:
    """The answers of ``groups`` from months that are over, released or not.

    The month that is running never counts (Europe/Oslo: ``this_month``): a
    month that is over gains no answers. Staff see only the part of these
    that ``answers_released`` lets out.
    """
    return Answer.objects.filter(group__in=groups, month__lt=this_month())


def released_months(counts: dict[datetime.date, int]) -> set[datetime.date]:
    """The months let out, from each month's number of answers (months over only).

    Oldest first, months are taken together until they hold at least
    ``threshold()`` answers (with a line or without); then those months are
    let out as one batch, and the next batch starts. Months after the last
    full batch wait for later months. A month that is over never gains
    answers, so a batch, once out, stays out and never changes. The released
    months are always the oldest ones, up to the end of the last full batch.
    """
    released: set[datetime.date] = set()
    batch: list[datetime.date] = []
    answered = 0
    for month in sorted(counts):
        batch.append(month)
        answered += counts[month]
        if answered >= threshold():
            released.update(batch)
            batch, answered = [], 0
    return released


def answers_released(*, groups: QuerySet[Group]) -> QuerySet[Answer]:
    """The answers staff may see anything of: per group, its batches let out.

    The one rule for every number and every line on the staff pages. Per
    group, the months that are over are let out in batches of at least
    ``threshold()`` answers (``released_months``). So whatever staff are shown,
    a group's count, a count per answer, a district's sum over its groups or
    a line, changes only when a whole batch comes out: a member known to be
    the only one to answer in a month is never seen on their own on the 1st,
    because their answer waits until at least two more have joined it.
    """
    over = answers_over(groups=groups)
    counts: dict[int, dict[datetime.date, int]] = {}
    for group_id, month, n in (
        over.values("group", "month").annotate(n=Count("pk")).values_list("group", "month", "n")
    ):
        counts.setdefault(group_id, {})[month] = n
    # Released months are a group's oldest, up to the end of its last batch:
    # one condition per last month, whatever the number of groups.
    by_last_month: dict[datetime.date, list[int]] = {}
    for group_id, months in counts.items():
        released = released_months(months)
        if released:
            by_last_month.setdefault(max(released), []).append(group_id)
    if not by_last_month:
        return over.none()
    condition = Q()
    for last_month, group_ids in by_last_month.items():
        condition |= Q(group_id__in=group_ids, month__lte=last_month)
    return over.filter(condition)


def group_feedback(*, groups: QuerySet[Group], with_texts: bool) -> list[GroupFeedback]:
    """Per group with a released batch: counts, each a published base cell.

    Only ``answers_released`` counts. A base cell is one group and one answer
    value; cells of 1 or 2 contribute nothing and show as "<3". A group's
    lines show only to its contact point (``with_texts``), from the same
    released batches, sorted by text: never in the order they came, nor by
    month.
    """
    answers = answers_released(groups=groups)
    totals: dict[int, int] = dict(
        answers.values("group").annotate(n=Count("pk")).values_list("group", "n")
    )
    works: dict[int, dict[int, int]] = {}
    for group_id, value, n in (
        answers.values("group", "works").annotate(n=Count("pk")).values_list("group", "works", "n")
    ):
        works.setdefault(group_id, {})[value] = n
    safe: dict[int, dict[str, int]] = {}
    for group_id, answer, n in (
        answers.values("group", "safe").annotate(n=Count("pk")).values_list("group", "safe", "n")
    ):
        safe.setdefault(group_id, {})[answer] = n
    texts: dict[int, list[str]] = {}
    if with_texts:
        for group_id, text in (
            answers.exclude(text="").order_by("text").values_list("group", "text")
        ):
            texts.setdefault(group_id, []).append(text)
    result = []
    for group in groups.filter(pk__in=totals).order_by("name"):
        result.append(
            GroupFeedback(
                group=group,
                answers=_cell(totals[group.pk]),
                works=[
                    (value, _cell(works.get(group.pk, {}).get(value, 0))) for value in range(1, 6)
                ],
                safe=[
                    (str(label), _cell(safe.get(group.pk, {}).get(value, 0)))
                    for value, label in Answer.Safe.choices
                ],
                texts=texts.get(group.pk, []),
            )
        )
    return result


def _cell(count: int) -> PeopleCount:
    return people(published=published_cell(count), raw=count)


def _summed(answers: QuerySet[Answer], key: str) -> dict[Any, PeopleCount]:
    """Per value of ``key``: the sum of the groups' published cells, shown by the rule."""
    published: dict[Any, int] = {}
    raw: dict[Any, int] = {}
    for row in answers.values("group", key).annotate(n=Count("pk")):
        published[row[key]] = published.get(row[key], 0) + published_cell(row["n"])
        raw[row[key]] = raw.get(row[key], 0) + row["n"]
    return {value: people(published=published[value], raw=raw[value]) for value in raw}


def district_totals(*, groups: QuerySet[Group]) -> dict[str, Any]:
    """All groups together: sums of whole published cells of released batches only.

    Each group adds whole batches of at least ``threshold()`` answers, so a
    sum over many groups also moves by at least that many answers at a time,
    and a group's cell of 1 or 2 adds nothing, never a hidden one.
    """
    answers = answers_released(groups=groups)
    published_total = raw_total = 0
    for row in answers.values("group").annotate(n=Count("pk")):
        published_total += published_cell(row["n"])
        raw_total += row["n"]
    works = _summed(answers, "works")
    safe = _summed(answers, "safe")
    return {
        "answers": people(published=published_total, raw=raw_total),
        "works": [(value, works.get(value, 0)) for value in range(1, 6)],
        "safe": [(str(label), safe.get(value, 0)) for value, label in Answer.Safe.choices],
    }
