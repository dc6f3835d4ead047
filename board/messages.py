"""The outbox message about the board: "there is a new message in one of your groups".

Registered with ``notifications.registry`` (this module is discovered at
start-up). It names no group, no theme, no author and carries no text: only
the link to the board by the group's opaque inside token. It is rendered at
send time and dropped when it is no longer wanted: the reader has left, turned
notices off, has opened the board since it was queued, or nothing new is left
to read (the post was deleted, or went with its author).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from groups.models import Membership
from notifications import registry
from notifications.models import OutgoingMessage
from notifications.registry import Rendered
from notifications.render import email, param

from .models import Reader
from .selectors import unread_count


@registry.register("board_post")
def render_board_post(message: OutgoingMessage) -> Rendered | None:
    membership = (
        Membership.objects.active()
        .filter(pk=param(message, "membership"), user_id=message.recipient_id or 0)
        .select_related("group")
        .first()
    )
    if membership is None:
        return None
    reader = Reader.objects.filter(membership=membership).first()
    if reader is not None and (not reader.notices or reader.visits != param(message, "visits")):
        return None
    if not unread_count(membership=membership):
        return None
    url = settings.SITE_URL + membership.group.inside_url("board:board")
    subject = _("There is a new message in one of your groups")
    return email(
        subject=subject,
        template="board_post",
        context={"url": url, "full_url": url},
        sms=f"{subject}\n{url}",
    )
