"""E-mails and sweeps for joining.

Tasks take ids only. Subjects are neutral: never the group's name or theme,
which would reveal health-related information in an inbox list.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.models import AuditEvent


@shared_task(name="joining.tasks.send_seat_offer", ignore_result=True)
def send_seat_offer(entry_id: int) -> None:
    """Tell the first person on a waiting list that a seat is theirs to take.

    Idempotent: an audit row marks the e-mail as sent; a second run sends nothing,
    and nothing is sent once the offer is no longer open.
    """
    from .models import WaitingListEntry

    with transaction.atomic():
        entry = (
            WaitingListEntry.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=entry_id, status=WaitingListEntry.Status.OFFERED)
            .first()
        )
        if entry is None:
            return
        marker = {
            "event": "joining.offer_mailed",
            "target_type": entry._meta.label_lower,
            "target_id": str(entry.pk),
        }
        if AuditEvent.objects.filter(**marker).exists():
            return
        user = entry.user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "entry": entry,
                "url": reverse("joining:mine"),
                "site_url": settings.SITE_URL,
            }
            message = EmailMultiAlternatives(
                subject=_("Selvhjelp: a seat is free for you"),
                body=render_to_string("emails/seat_offer.txt", context),
                to=[user.email],
            )
            message.send()
        AuditEvent.objects.create(**marker, data={})


@shared_task(name="joining.tasks.expire_join_requests", ignore_result=True)
def expire_join_requests() -> None:
    """Hourly: close requests whose answer window passed (idempotent)."""
    from .services import join_requests_expire

    join_requests_expire()


@shared_task(name="joining.tasks.expire_seat_offers", ignore_result=True)
def expire_seat_offers() -> None:
    """Hourly: expire unanswered seat offers and pass the seats on (idempotent)."""
    from .services import waiting_list_expire_offers

    waiting_list_expire_offers()
