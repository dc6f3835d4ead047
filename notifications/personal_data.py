"""The outbox and bounced addresses (see ``core.personal_data``)."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any

from django.db.models import Q

from core.personal_data import (
    ExportSection,
    Person,
    PersonalData,
    RetentionRule,
    before,
    iso,
    register,
)

from .models import BouncedAddress, OutgoingMessage


def messages_cancel_about(*, key: str, ids: Collection[int]) -> int:
    """Cancel messages still waiting to go whose ``params[key]`` is one of ``ids``.

    For an app whose rows are about to be deleted: a message about them
    would find nothing to render.
    """
    if not ids:
        return 0
    return OutgoingMessage.objects.filter(
        **{f"params__{key}__in": list(ids)}, status=OutgoingMessage.Status.PENDING
    ).update(status=OutgoingMessage.Status.CANCELLED)


def _messages(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "kind": m.kind,
            "channel": m.channel,
            "status": m.status,
            "created_at": iso(m.created_at),
            "due_at": iso(m.due_at),
            "sent_at": iso(m.sent_at),
        }
        for m in OutgoingMessage.objects.filter(recipient=user).order_by("pk")
    ]


def _bounced(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "address": b.address,
            "channel": b.channel,
            "reason": b.reason,
            "bounced_at": iso(b.created_at),
        }
        for b in BouncedAddress.objects.filter(user=user).order_by("pk")
    ]


def delete_done_messages(now: datetime.datetime) -> int:
    """Outbox rows that were sent, cancelled or gave up."""
    cutoff = before(now, "SELVHJELP_RETAIN_DONE_MESSAGE_DAYS")
    done = (
        OutgoingMessage.Status.SENT,
        OutgoingMessage.Status.CANCELLED,
        OutgoingMessage.Status.FAILED,
    )
    old = OutgoingMessage.objects.filter(status__in=done).filter(
        Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True, created_at__lt=cutoff)
    )
    return old.delete()[0]


class NotificationsData(PersonalData):
    app_label = "notifications"
    models = (
        "notifications.OutgoingMessage",
        "notifications.BouncedAddress",
    )
    links = {
        "notifications.OutgoingMessage.recipient": "messages_to_you",
        "notifications.BouncedAddress.user": "reminders.addresses_that_bounced",
    }
    sections = (
        ExportSection("reminders.addresses_that_bounced", _bounced),
        ExportSection("messages_to_you", _messages),
    )
    retention = (
        RetentionRule("messages_done", delete_done_messages, "SELVHJELP_RETAIN_DONE_MESSAGE_DAYS"),
    )

    def erase(self, *, person: Person) -> None:
        # Messages to the person, by account or by address (also those not
        # yet tied to the account), and addresses of theirs that bounced.
        outbox_q = Q(recipient=person.user)
        for needle in person.needles:
            outbox_q |= Q(address__iexact=needle)
        OutgoingMessage.objects.filter(outbox_q).delete()
        BouncedAddress.objects.filter(Q(user=person.user) | Q(address__in=person.needles)).delete()


register(NotificationsData())
