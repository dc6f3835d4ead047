"""Background work for groups. Tasks take ids only, never personal text."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from notifications.services import enqueue

from .models import Membership, SupportRequest


@shared_task(name="groups.tasks.send_support_request_notice", ignore_result=True)
def send_support_request_notice(support_request_id: int) -> None:
    """Tell a group's follow-up contacts that it asks for support.

    Puts one outbox message each to the contact point's public e-mail and the
    initiators who stepped back (nobody learns who else follows the group
    up). Subject and body name neither the group nor its theme. Idempotent:
    one outbox key per request and recipient, so a second run adds nothing.
    """
    with transaction.atomic():
        support_request = (
            SupportRequest.objects.select_related("group__contact_point")
            .filter(pk=support_request_id)
            .first()
        )
        if support_request is None:
            return
        group = support_request.group
        params: dict[str, int | str | bool | None] = {"support_request": support_request.pk}
        initiators = Membership.objects.filter(
            group=group,
            role=Membership.Role.INITIATOR,
            status=Membership.Status.STEPPED_BACK,
            user__is_active=True,
        ).select_related("user")
        public = (group.contact_point.public_email or "").strip()
        for membership in initiators:
            if public and (membership.user.email or "").lower() == public.lower():
                continue
            enqueue(
                key=f"support_request:s={support_request.pk}:u={membership.user_id}",
                kind="support_request",
                recipient=membership.user,
                params=params,
            )
        if public:
            enqueue(
                key=f"support_request:s={support_request.pk}:cp",
                kind="support_request",
                address=public,
                params=params,
            )
