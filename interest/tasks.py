"""E-mails and daily sweeps for the interest list.

Tasks take ids only. Subjects are neutral: never the theme, which would
reveal health-related information in an inbox list.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import AuditEvent
from organisations.models import StaffRole


def _send(*, to: list[str], subject: str, template: str, context: dict[str, Any]) -> None:
    context = {**context, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context),
        to=to,
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    message.send()


@shared_task(name="interest.tasks.send_quorum_alert", ignore_result=True)
def send_quorum_alert(alert_id: int) -> None:
    """Tell a contact point's public address and staff that a quorum is reached.

    Idempotent: the alert is claimed under a row lock and ``sent_at`` set, so a
    second run sends nothing.
    """
    from .models import QuorumAlert

    with transaction.atomic():
        alert = (
            QuorumAlert.objects.select_for_update(of=("self",))
            .select_related("contact_point", "theme", "kommune")
            .filter(pk=alert_id, sent_at__isnull=True)
            .first()
        )
        if alert is None:
            return
        cp = alert.contact_point
        staff = StaffRole.objects.filter(
            contact_point=cp, kind=StaffRole.Kind.CONTACT_POINT_STAFF, user__is_active=True
        ).values_list("user__email", flat=True)
        recipients = sorted({e for e in [cp.public_email, *staff] if e})
        if recipients:
            with translation.override(settings.LANGUAGE_CODE):
                _send(
                    to=recipients,
                    subject=_("Selvhjelp: enough people for a new group"),
                    template="interest_quorum",
                    context={
                        "alert": alert,
                        "url": reverse("interest_staff:overview", kwargs={"slug": cp.slug}),
                    },
                )
        alert.sent_at = timezone.now()
        alert.save(update_fields=["sent_at"])


@shared_task(name="interest.tasks.send_invitation", ignore_result=True)
def send_invitation(invitation_id: int) -> None:
    """Tell someone on the interest list they are invited to a group.

    Idempotent: an audit row marks the e-mail as sent; a second run sends nothing.
    """
    from groups.models import GroupInvitation

    with transaction.atomic():
        invitation = (
            GroupInvitation.objects.select_for_update(of=("self",))
            .select_related("user", "group")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.status != GroupInvitation.Status.PENDING:
            return
        marker = {
            "event": "interest.invitation_mailed",
            "target_type": invitation._meta.label_lower,
            "target_id": str(invitation.pk),
        }
        if AuditEvent.objects.filter(**marker).exists():
            return
        user = invitation.user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            _send(
                to=[user.email],
                subject=_("Selvhjelp: you are invited to a group"),
                template="interest_invitation",
                context={"user": user, "url": reverse("interest:mine")},
            )
        AuditEvent.objects.create(**marker, data={})


@shared_task(name="interest.tasks.send_expiry_reminder", ignore_result=True)
def send_expiry_reminder(registration_id: int) -> None:
    """Remind someone that their registration expires soon.

    Idempotent: claims the registration (``reminded_at``) under a row lock.
    """
    from .models import InterestRegistration

    with transaction.atomic():
        registration = (
            InterestRegistration.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=registration_id, reminded_at__isnull=True, withdrawn_at__isnull=True)
            .first()
        )
        if registration is None:
            return
        user = registration.user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            _send(
                to=[user.email],
                subject=_("Selvhjelp: your interest registration expires soon"),
                template="interest_expiry",
                context={
                    "user": user,
                    "registration": registration,
                    "url": reverse("interest:mine"),
                },
            )
        registration.reminded_at = timezone.now()
        registration.save(update_fields=["reminded_at"])


@shared_task(name="interest.tasks.send_expiry_reminders", ignore_result=True)
def send_expiry_reminders() -> None:
    """Daily: queue reminders for registrations expiring within 30 days (idempotent)."""
    from .services import interest_send_expiry_reminders

    interest_send_expiry_reminders()


@shared_task(name="interest.tasks.expire", ignore_result=True)
def expire() -> None:
    """Daily: take expired registrations off the list (idempotent)."""
    from .services import interest_expire

    interest_expire()
