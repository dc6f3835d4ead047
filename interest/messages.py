"""The outbox messages of interest lists: a quorum for staff, an invitation,
a registration about to expire.

Registered with ``notifications.registry`` (this module is discovered at
start-up).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import GroupInvitation
from notifications import registry
from notifications.models import OutgoingMessage
from notifications.registry import Rendered
from notifications.render import email, param

from .models import InterestRegistration, QuorumAlert


@registry.register("quorum_alert")
def render_quorum_alert(message: OutgoingMessage) -> Rendered | None:
    alert = (
        QuorumAlert.objects.select_related("contact_point", "theme", "kommune")
        .filter(pk=param(message, "alert"))
        .first()
    )
    if alert is None:
        return None
    url = reverse("interest_staff:overview", kwargs={"slug": alert.contact_point.slug})
    return email(
        subject=_("Selvhjelp: enough people for a new group"),
        template="interest_quorum",
        html="emails/interest_quorum.html",
        context={"alert": alert, "url": url, "full_url": settings.SITE_URL + url},
    )


@registry.register("interest_invitation")
def render_interest_invitation(message: OutgoingMessage) -> Rendered | None:
    invitation = GroupInvitation.objects.filter(
        pk=param(message, "invitation"), status=GroupInvitation.Status.PENDING
    ).first()
    if invitation is None:
        return None
    url = reverse("interest:mine")
    return email(
        subject=_("Selvhjelp: you are invited to a group"),
        template="interest_invitation",
        html="emails/interest_invitation.html",
        context={"user": message.recipient, "url": url, "full_url": settings.SITE_URL + url},
    )


@registry.register("interest_expiry")
def render_interest_expiry(message: OutgoingMessage) -> Rendered | None:
    registration = InterestRegistration.objects.filter(
        pk=param(message, "registration"), withdrawn_at__isnull=True
    ).first()
    if registration is None or registration.expires_at <= timezone.now():
        return None
    url = reverse("interest:mine")
    return email(
        subject=_("Selvhjelp: your interest registration expires soon"),
        template="interest_expiry",
        html="emails/interest_expiry.html",
        context={
            "user": message.recipient,
            "registration": registration,
            "url": url,
            "full_url": settings.SITE_URL + url,
        },
    )
