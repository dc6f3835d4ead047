"""Writes on a group's board: posting, deleting, reading, notices, and clearing away.

Every post puts a neutral notice in the outbox for each other member who wants
one, in the same transaction. The key names the reader and how many times they
have opened the board (``board_post:ms=<membership>:v=<visits>``), so a burst of
posts gives each member one notice until they come and read, and the outbox
makes sure that notice goes once. Notices carry ids only: no text, no theme, no
group name, no author.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.personal_data import before
from core.services import DomainError
from groups.models import Group, Membership
from meetings.reminders import channels_for
from notifications.models import OutgoingMessage
from notifications.services import enqueue

from .models import BODY_MAX_LENGTH, Post, Reader

NOTICE_KIND = "board_post"


def notice_key(*, membership_id: int, visits: int, channel: str) -> str:
    """One notice per reader and visit (and channel): the outbox keeps it to one."""
    suffix = "" if channel == OutgoingMessage.Channel.EMAIL else f":{channel}"
    return f"{NOTICE_KIND}:ms={membership_id}:v={visits}{suffix}"


def accepts_posts(group: Group) -> bool:
    """Whether the board takes new posts: not once the group has ended.

    Members of an ended group still read what is there until it expires. A
    paused group keeps its board: that is where a break is talked over.
    """
    return group.state != Group.State.ENDED


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    # Zero-width and other invisible characters alone make an empty-looking post.
    if not any(char.isprintable() and not char.isspace() for char in body):
        raise DomainError(_("Write a message before you post it."), code="empty")
    if len(body) > BODY_MAX_LENGTH:
        raise DomainError(
            _("The message is %(count)d characters long. Keep it within %(limit)d.")
            % {"count": len(body), "limit": BODY_MAX_LENGTH},
            code="too_long",
        )
    return body


@transaction.atomic
def post_create(*, membership: Membership, body: str) -> Post:
    """Post ``body`` to the board of ``membership``'s group and tell the others.

    Only an active participant posts (the view's gate has checked the pledge).
    Each other active participant who has not turned notices off gets one
    notice per visit to the board, on the channel of their reminder choice.
    """
    text = _clean_body(body)
    if not Membership.objects.active().filter(pk=membership.pk).exists():
        raise DomainError(_("You are not a member of this group any more."), code="not_member")
    if not accepts_posts(Group.objects.only("state").get(pk=membership.group_id)):
        raise DomainError(
            _(
                "The group has ended, so the board takes no new messages. "
                "You can still read what is here until it goes."
            ),
            code="ended",
        )
    post = Post.objects.create(group_id=membership.group_id, membership=membership, body=text)
    others = (
        Membership.objects.active()
        .filter(group_id=membership.group_id, user__is_active=True)
        .exclude(pk=membership.pk)
        .select_related("user", "user__reminder_preference", "board_reader")
    )
    for other in others:
        reader = getattr(other, "board_reader", None)
        if reader is not None and not reader.notices:
            continue
        visits = reader.visits if reader is not None else 0
        user = other.user
        preference = getattr(user, "reminder_preference", None)
        for channel in channels_for(phone=user.sms_number, preference=preference):
            enqueue(
                key=notice_key(membership_id=other.pk, visits=visits, channel=channel),
                kind=NOTICE_KIND,
                channel=channel,
                recipient=user,
                params={"membership": other.pk, "visits": visits},
            )
    return post


@transaction.atomic
def post_delete(*, membership: Membership, post_id: int) -> None:
    """Delete one's own post. Someone else's, or one already gone, is a ``DomainError``."""
    deleted, _rows = Post.objects.filter(pk=post_id, membership=membership).delete()
    if not deleted:
        raise DomainError(_("That message is no longer on the board."), code="gone")


@transaction.atomic
def board_visit(*, membership: Membership) -> Reader:
    """The member opens the board: what is there now counts as read.

    Counting the visit also frees the next notice: the next post after it
    tells this member again.
    """
    reader, _created = Reader.objects.select_for_update().get_or_create(membership=membership)
    reader.visits += 1
    reader.seen_at = timezone.now()
    reader.save(update_fields=["visits", "seen_at"])
    return reader


@transaction.atomic
def notices_set(*, membership: Membership, on: bool) -> Reader:
    """Turn notices of new messages on this group's board on or off."""
    reader, _created = Reader.objects.select_for_update().get_or_create(membership=membership)
    reader.notices = on
    reader.save(update_fields=["notices"])
    return reader


def board_leave(*, membership_id: int) -> int:
    """A membership has ended: its posts go, and so does its reading state (when the
    member last read, whether they wanted notices), which has no use any more.
    Returns how many posts went."""
    Reader.objects.filter(membership_id=membership_id).delete()
    return Post.objects.filter(membership_id=membership_id).delete()[0]


def posts_expire(now: datetime.datetime) -> int:
    """Retention: posts older than ``SELVHJELP_RETAIN_BOARD_POST_DAYS`` go, and so do
    any left by a membership that has ended. Running it twice removes nothing more."""
    cutoff = before(now, "SELVHJELP_RETAIN_BOARD_POST_DAYS")
    stale = Post.objects.filter(
        Q(created_at__lt=cutoff) | ~Q(membership__status=Membership.Status.ACTIVE)
    )
    return stale.delete()[0]
