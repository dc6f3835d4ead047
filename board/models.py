"""The group's message board: short posts members leave for each other between meetings.

A ``Post`` belongs to the membership that wrote it and goes with it: when the
author leaves the group or deletes their account, and after the retention
period (``SELVHJELP_RETAIN_BOARD_POST_DAYS``). A ``Reader`` is one member's
place on the board: how often they have opened it (which batches notices),
when they last did, and whether they want notices at all.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Group, Membership

#: The longest post, in characters: a message passed on, not a letter.
BODY_MAX_LENGTH = 1000


class Post(models.Model):
    """One message on a group's board."""

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="board_posts"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="board_posts",
    )
    body = models.CharField(_("message"), max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("board post")
        verbose_name_plural = _("board posts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["group", "-created_at"], name="board_post_group_newest")]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="board_post_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} #{self.pk}"


class Reader(models.Model):
    """A member's place on their group's board."""

    membership = models.OneToOneField(
        Membership,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="board_reader",
    )
    # Counts visits to the board: a notice is keyed by it, so a burst of posts
    # gives one notice, and the next post after a visit gives the next.
    visits = models.PositiveIntegerField(_("visits"), default=0)
    seen_at = models.DateTimeField(_("last read"), null=True, blank=True)
    notices = models.BooleanField(_("notice of new messages"), default=True)

    class Meta:
        verbose_name = _("board reader")
        verbose_name_plural = _("board readers")

    def __str__(self) -> str:
        return f"{self.membership_id}"
