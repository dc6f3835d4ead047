"""The outbox message of staff invitations.

Registered with ``notifications.registry`` (this module is discovered at
start-up). The invitation goes to an address, not an account.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications import registry
from notifications.models import OutgoingMessage
from notifications.registry import Rendered
from notifications.render import param

from .models import StaffInvitation


@registry.register("staff_invitation")
def render_staff_invitation(message: OutgoingMessage) -> Rendered | None:
    invitation = (
        StaffInvitation.objects.pending()
        .select_related("contact_point")
        .filter(pk=param(message, "invitation"))
        .first()
    )
    if invitation is None:
        return None
    link = settings.SITE_URL + reverse("staff_invitation_accept", args=[invitation.token])
    context = {"invitation": invitation, "link": link, "full_url": link, "url": link}
    text = render_to_string("organisations/invitation_email.txt", context)
    return Rendered(
        # Neutral on purpose: no role, contact point or group in the subject.
        subject=_("Selvhjelp: invitation"),
        text=text,
        html=render_to_string("notifications/email.html", {"text": text, "url": link}),
        url=link,
    )
