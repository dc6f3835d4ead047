"""The outbox messages about a group's start: a support request to staff,
the nudge for initiators to step back.

Registered with ``notifications.registry`` (this module is discovered at
start-up). Neither names the group in its subject.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications import registry
from notifications.models import OutgoingMessage
from notifications.registry import Rendered
from notifications.render import email, param

from .models import Group, Membership, SupportRequest


@registry.register("support_request")
def render_support_request(message: OutgoingMessage) -> Rendered | None:
    if not SupportRequest.objects.filter(pk=param(message, "support_request")).exists():
        return None
    url = settings.SITE_URL + reverse("staff:support_requests")
    return email(
        subject=_("Selvhjelp: a group asks for support"),
        template="support_request",
        context={"url": url, "full_url": url},
    )


@registry.register("step_back_nudge")
def render_step_back_nudge(message: OutgoingMessage) -> Rendered | None:
    group = Group.objects.filter(pk=param(message, "group"), state=Group.State.STARTING).first()
    if group is None:
        return None
    is_initiator = (
        Membership.objects.active()
        .filter(group=group, user_id=message.recipient_id or 0, role=Membership.Role.INITIATOR)
        .exists()
    )
    if not is_initiator:
        return None
    url = settings.SITE_URL + group.inside_url("groups:inside")
    guide = settings.SITE_URL + group.inside_url("groups:starting_guide")
    return email(
        subject=_("Selvhjelp: time to step back?"),
        template="step_back_nudge",
        context={
            "meetings": settings.SELVHJELP_STEP_BACK_NUDGE_AFTER,
            "url": url,
            "guide_url": guide,
            "full_url": url,
        },
    )
