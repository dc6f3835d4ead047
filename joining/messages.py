"""The outbox messages about joining: a join request to decide, a free seat.

Registered with ``notifications.registry`` (this module is discovered at
start-up). Subjects are neutral; a join request never goes by SMS.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications import registry
from notifications.models import OutgoingMessage
from notifications.registry import Rendered
from notifications.render import email, param

from .models import JoinRequest, WaitingListEntry


@registry.register("join_request")
def render_join_request(message: OutgoingMessage) -> Rendered | None:
    """To whoever decides on a join request: the initiator, or every member (consent)."""
    join_request = (
        JoinRequest.objects.select_related("group")
        .filter(pk=param(message, "join_request"), status=JoinRequest.Status.PENDING)
        .first()
    )
    if join_request is None:
        return None
    consent = join_request.consent_deadline is not None
    # In the body only (e-mail): the subject stays neutral, and no SMS carries it.
    url = settings.SITE_URL + reverse(
        "joining:group_requests", kwargs={"slug": join_request.group.slug}
    )
    subject = (
        _("Selvhjelp: your group is asked to agree to a new member")
        if consent
        else _("Selvhjelp: someone asks to join a group")
    )
    return email(
        subject=subject,
        template="join_request",
        context={
            "consent": consent,
            "deadline": join_request.consent_deadline,
            "full_url": url,
            "user": message.recipient,
        },
    )


@registry.register("seat_offer")
def render_seat_offer(message: OutgoingMessage) -> Rendered | None:
    entry = WaitingListEntry.objects.filter(
        pk=param(message, "entry"), status=WaitingListEntry.Status.OFFERED
    ).first()
    if entry is None:
        return None
    subject = _("Selvhjelp: a seat is free for you")
    url = reverse("joining:mine")
    return email(
        subject=subject,
        template="seat_offer",
        context={
            "user": message.recipient,
            "entry": entry,
            "url": url,
            "full_url": settings.SITE_URL + url,
        },
        sms=f"{subject}\n{settings.SITE_URL}{url}",
    )
