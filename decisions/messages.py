"""The outbox messages about deciding together: a proposal to answer, and how one ended.

Registered with ``notifications.registry`` (this module is discovered at
start-up). Subjects are neutral; neither goes by SMS; the body names no group
or theme and links to the group's page.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from notifications import registry
from notifications.models import OutgoingMessage
from notifications.registry import Rendered
from notifications.render import email, param

from . import selectors
from .models import Proposal


def _inside_url(proposal: Proposal) -> str:
    return settings.SITE_URL + proposal.group.inside_url("groups:inside")


@registry.register("proposal")
def render_proposal(message: OutgoingMessage) -> Rendered | None:
    """To every member asked: a proposal to agree or object to, or a new member to consent to."""
    proposal = (
        Proposal.objects.select_related("group")
        .filter(pk=param(message, "proposal"), status=Proposal.Status.OPEN)
        .first()
    )
    if proposal is None:
        return None
    subject = (
        _("Selvhjelp: your group is asked to agree to a new member")
        if proposal.is_consent
        else _("Selvhjelp: your group is asked to decide together")
    )
    return email(
        subject=subject,
        template="proposal",
        context={
            "user": message.recipient,
            "consent": proposal.is_consent,
            "what": selectors.WHAT[proposal.kind],
            "deadline": proposal.deadline,
            "days": settings.SELVHJELP_CONSENT_DAYS,
            "full_url": _inside_url(proposal),
        },
    )


@registry.register("proposal_outcome")
def render_proposal_outcome(message: OutgoingMessage) -> Rendered | None:
    """To every member: how a proposal to change the group ended."""
    proposal = (
        Proposal.objects.select_related("group")
        .filter(pk=param(message, "proposal"))
        .exclude(status=Proposal.Status.OPEN)
        .first()
    )
    if proposal is None:
        return None
    subject = (
        _("Selvhjelp: your group has decided")
        if proposal.status == Proposal.Status.PASSED
        else _("Selvhjelp: a proposal in your group has closed")
    )
    return email(
        subject=subject,
        template="proposal_outcome",
        context={
            "user": message.recipient,
            "outcome": selectors.outcome_text(proposal),
            "full_url": _inside_url(proposal),
        },
    )
