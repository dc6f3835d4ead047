"""Reads of a group's board, with the access rule built in."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from core.personal_data import before
from groups.models import Group, Membership

from .models import Post, Reader

#: The most posts the board shows at once; older ones go with retention anyway.
SHOWN = 100


def _on_the_board() -> QuerySet[Post]:
    """Posts by members still in their group and within the retention period: what
    the daily run has yet to remove does not show in the meantime."""
    return Post.objects.filter(
        membership__status=Membership.Status.ACTIVE,
        created_at__gte=before(timezone.now(), "SELVHJELP_RETAIN_BOARD_POST_DAYS"),
    )


def posts_for(*, group: Group) -> QuerySet[Post]:
    """The group's posts, newest first, by members who are still in the group."""
    return (
        _on_the_board()
        .filter(group=group)
        .select_related("membership__user")
        .order_by("-created_at", "-pk")[:SHOWN]
    )


def post_get_own(*, membership: Membership, pk: int) -> Post:
    """The viewer's own post on this board; 404 for anyone else's or another group's."""
    post = Post.objects.filter(pk=pk, membership=membership, group_id=membership.group_id).first()
    if post is None:
        raise Http404
    return post


def reader_for(*, membership: Membership) -> Reader | None:
    return Reader.objects.filter(membership=membership).first()


def unread_count(*, membership: Membership) -> int:
    """Posts by others since the member last opened the board."""
    posts = _on_the_board().filter(group_id=membership.group_id).exclude(membership=membership)
    reader = reader_for(membership=membership)
    if reader is not None and reader.seen_at is not None:
        posts = posts.filter(created_at__gt=reader.seen_at)
    return posts.count()


def inside_page_part(group: Group, membership: Membership) -> dict[str, Any]:
    """For the group's inside page: the way to the board and how many messages are new."""
    return {
        "board_url": group.inside_url("board:board"),
        "board_unread": unread_count(membership=membership),
    }
