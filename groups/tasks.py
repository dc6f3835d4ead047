"""Background work for groups. Tasks take ids only, never personal text."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.models import AuditEvent
from core.services import audit

from .models import Membership, SupportRequest

SENT_EVENT = "group.support_notice_sent"


@shared_task(
    name="groups.tasks.send_support_request_notice",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_support_request_notice(support_request_id: int) -> None:
    """Tell a group's follow-up contacts that it asks for support.

    Goes to the contact point's public e-mail and the initiators who stepped
    back. Subject and body name neither the group nor its theme; the message
    is read on the platform. Idempotent: the request row is locked and an
    audit row marks the notice as sent, so a second run sends nothing. A
    failed send rolls back and is retried (transient errors only).
    """
    with transaction.atomic():
        support_request = (
            SupportRequest.objects.select_for_update()
            .select_related("group__contact_point")
            .filter(pk=support_request_id)
            .first()
        )
        if support_request is None:
            return
        already = AuditEvent.objects.filter(
            event=SENT_EVENT,
            target_type=SupportRequest._meta.label_lower,
            target_id=str(support_request.pk),
        ).exists()
        if already:
            return
        group = support_request.group
        recipients = set(
            Membership.objects.filter(
                group=group,
                role=Membership.Role.INITIATOR,
                status=Membership.Status.STEPPED_BACK,
            ).values_list("user__email", flat=True)
        )
        if group.contact_point.public_email:
            recipients.add(group.contact_point.public_email)
        recipients.discard("")
        if recipients:
            with translation.override(settings.LANGUAGE_CODE):
                subject = gettext("Selvhjelp: a group asks for support")
                body = render_to_string(
                    "emails/support_request.txt",
                    {"url": settings.SITE_URL + reverse("organisations:support_requests")},
                )
            # One message per recipient: nobody learns who else follows the group up.
            for address in sorted(recipients):
                send_mail(subject, body, None, [address])
        audit(
            actor=None,
            event=SENT_EVENT,
            target=support_request,
            data={"recipients": len(recipients)},
        )
