"""A post, and the reader's place on the board, go when the membership ends.

A membership ends in more than one place below this app (leaving in
``joining``, stepping back and handing over in ``groups``, the steps of an
account's deletion), all of them by saving the membership with its new status.
This app cannot be called from there, so it listens: when a membership is
saved as no longer active, its posts and reading state are removed in the
same transaction.
The retention run (``services.posts_expire``) removes any that a bulk update
left behind, and the board never shows a post by someone who has left.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from groups.models import Membership

from . import services


@receiver(post_save, sender=Membership, dispatch_uid="board_posts_go_with_membership")
def remove_posts_when_membership_ends(
    sender: type[Membership], instance: Membership, created: bool, **kwargs: Any
) -> None:
    if created or instance.status == Membership.Status.ACTIVE:
        return
    services.board_leave(membership_id=instance.pk)
