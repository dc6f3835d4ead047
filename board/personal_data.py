"""What the board holds about a person (see ``core.personal_data``).

A ``Post`` is the author's: it is in their download under the membership
(``board_posts``) and goes when the membership ends (leaving, stepping back,
account deletion: ``signals.py``), with the account (cascade), and after
``SELVHJELP_RETAIN_BOARD_POST_DAYS``. Other members' posts are not in anyone
else's download. A ``Reader`` (when the member last read the board, whether
they want notices) is in the download under the membership and goes when the
membership ends.
"""

from __future__ import annotations

from typing import Any

from core.personal_data import ExportSection, PersonalData, RetentionRule, iso, register

from .models import Post, Reader
from .services import posts_expire


def _posts(user: Any) -> dict[int, list[dict[str, Any]]]:
    posts: dict[int, list[dict[str, Any]]] = {}
    rows = Post.objects.filter(membership__user=user).order_by("created_at", "pk")
    for membership_id, body, created_at in rows.values_list("membership_id", "body", "created_at"):
        posts.setdefault(membership_id, []).append({"message": body, "posted": iso(created_at)})
    return posts


def _reader(user: Any) -> dict[int, dict[str, Any]]:
    return {
        reader.membership_id: {"notices": reader.notices, "last_read": iso(reader.seen_at)}
        for reader in Reader.objects.filter(membership__user=user)
    }


class BoardData(PersonalData):
    app_label = "board"
    models = ("board.Post", "board.Reader")
    links = {
        "board.Post.membership": "memberships[].board_posts",
        "board.Reader.membership": "memberships[].board_reading",
    }
    sections = (
        ExportSection("memberships[].board_posts", _posts),
        ExportSection("memberships[].board_reading", _reader, default=dict),
    )
    retention = (RetentionRule("board_posts", posts_expire, "SELVHJELP_RETAIN_BOARD_POST_DAYS"),)


register(BoardData())
