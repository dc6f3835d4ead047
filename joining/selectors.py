"""Reads for joining: one's own requests and offers, a group's open requests."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from groups.models import Group, Membership

from .models import Consent, GroupNotice, JoinRequest, WaitingListEntry


def join_requests_for_user(*, user: Any) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(user=user)
        .select_related("group__kommune")
        .order_by("-created_at", "-pk")
    )


def waiting_list_for_user(*, user: Any) -> QuerySet[WaitingListEntry]:
    return (
        WaitingListEntry.objects.filter(
            user=user,
            status__in=[WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED],
        )
        .select_related("group__kommune")
        .order_by("created_at", "pk")
    )


def pending_requests_for_group(*, group: Group) -> list[JoinRequest]:
    return list(
        JoinRequest.objects.filter(group=group, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def my_answers(*, membership: Membership, requests: list[JoinRequest]) -> dict[int, bool]:
    """``{join_request_id: agrees}`` for the answers this member gave."""
    return dict(
        Consent.objects.filter(membership=membership, join_request__in=requests).values_list(
            "join_request_id", "agrees"
        )
    )


def recent_notices(*, group: Group, limit: int = 10) -> list[GroupNotice]:
    return list(GroupNotice.objects.filter(group=group).select_related("membership__user")[:limit])


def user_state_for_group(*, user: Any, group: Group) -> dict[str, Any]:
    """What the public page's "Next step" needs to know about this visitor."""
    if not user.is_authenticated:
        return {}
    return {
        "pending_request": JoinRequest.objects.filter(
            group=group, user=user, status=JoinRequest.Status.PENDING
        ).first(),
        "waiting_entry": WaitingListEntry.objects.filter(
            group=group,
            user=user,
            status__in=[WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED],
        ).first(),
    }
