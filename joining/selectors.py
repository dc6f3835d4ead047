"""Reads for joining: one's own requests and offers, a group's open requests, and
the group's notice feed."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from decisions.models import Answer
from decisions.selectors import FeedLine, decided_for_feed
from groups.models import Group, Membership

from .models import GroupNotice, JoinRequest, WaitingListEntry

# How long a seat that lapsed stays on the person's page, with other ways to a group.
LAPSED_SHOWN = datetime.timedelta(days=30)


def join_requests_for_user(*, user: Any) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(user=user)
        .select_related("group__kommune", "group__theme", "group__contact_point")
        .order_by("-created_at", "-pk")
    )


def waiting_list_for_user(*, user: Any) -> QuerySet[WaitingListEntry]:
    return (
        WaitingListEntry.objects.filter(user=user, status__in=WaitingListEntry.Status.ON_LIST)
        .select_related("group__kommune", "consent")
        .order_by("created_at", "pk")
    )


def lapsed_seats_for_user(*, user: Any) -> QuerySet[WaitingListEntry]:
    """Waiting-list seats that were no longer held for the person, lately."""
    return (
        WaitingListEntry.objects.filter(
            user=user,
            status=WaitingListEntry.Status.EXPIRED,
            offered_at__gte=timezone.now() - LAPSED_SHOWN,
        )
        .select_related("group__kommune", "group__theme", "group__contact_point")
        .order_by("-offered_at", "-pk")
    )


def pending_requests_for_group(*, group: Group) -> list[JoinRequest]:
    return list(
        JoinRequest.objects.filter(group=group, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def my_answers(*, membership: Membership, requests: list[JoinRequest]) -> dict[int, bool]:
    """``{join_request_id: agrees}`` for the answers this member gave (consent requests)."""
    return dict(
        Answer.objects.filter(
            membership=membership, proposal__join_request__in=requests
        ).values_list("proposal__join_request", "agrees")
    )


def recent_notices(*, group: Group, limit: int = 10) -> list[FeedLine]:
    """The group's notice feed: who came and went, and what the group decided.

    A person is named by the first letter of their display name only.
    """
    lines = [
        FeedLine(
            at=notice.created_at,
            text=f"{(notice.membership.user.display_name if notice.membership else '?')[:1]}. "
            f"{notice.get_kind_display()}",
        )
        for notice in GroupNotice.objects.filter(group=group).select_related("membership__user")[
            :limit
        ]
    ]
    lines += decided_for_feed(group=group, limit=limit)
    return sorted(lines, key=lambda line: line.at, reverse=True)[:limit]


def user_state_for_group(*, user: Any, group: Group) -> dict[str, Any]:
    """What the public page's "Next step" needs to know about this visitor."""
    if not user.is_authenticated:
        return {}
    return {
        "pending_request": JoinRequest.objects.filter(
            group=group, user=user, status=JoinRequest.Status.PENDING
        ).first(),
        "waiting_entry": WaitingListEntry.objects.filter(
            group=group, user=user, status__in=WaitingListEntry.Status.ON_LIST
        ).first(),
    }
