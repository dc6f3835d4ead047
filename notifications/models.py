"""The outbox: every e-mail and SMS the platform sends is first a row here.

A row is created in the same transaction as its cause (or by a periodic
scan, such as meeting reminders), under a unique key, so a cause can never
produce two messages. Workers claim due rows, render them at send time from ids (never
from text stored here) and mark them sent. See ``notifications/README.md``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("No longer needed")

    # What caused the message, as ids only: e.g. "reminder:m=12:u=5:email".
    key = models.CharField(_("key"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outgoing_messages",
    )
    # Only for recipients without an account (a contact point's public
    # address, an invitation); otherwise the address is read at send time.
    address = models.CharField(_("address"), max_length=254, blank=True)
    # Ids and numbers the renderer needs; never names, themes or free text.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Attempts whose outcome nobody knows: the connection died after the
    # message went out, before the server answered. The row is sent again
    # with the same Message-ID.
    unknown_outcomes = models.PositiveSmallIntegerField(_("outcome unknown"), default=0)
    # Times a worker died (or hung) holding the row and the sweeper took it
    # back. Such a row is sent alone from then on, so that a message that
    # kills its worker takes no other message down with it.
    workers_lost = models.PositiveSmallIntegerField(_("workers lost"), default=0)
    # Set when the dispatcher hands the row to a worker task; until then the
    # dispatcher does not hand it out again (a lost task frees it after that).
    leased_until = models.DateTimeField(_("handed to a worker until"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # An error class or SMTP/HTTP code, never message content.
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(address=""),
                name="notifications_message_has_recipient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notifications_due_pending",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=Q(status="sending"),
                name="notifications_in_flight",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class BouncedAddress(models.Model):
    """An e-mail address or phone number the provider refused for good.

    Nothing more is sent to it; its owner is told on the next login and can
    correct it on the profile.
    """

    address = models.CharField(_("address"), max_length=254, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=OutgoingMessage.Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bounced_addresses",
    )
    # The provider's code only (e.g. "SMTP 550"), never its free text.
    reason = models.CharField(_("reason"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("bounced"), auto_now_add=True)
    notified_at = models.DateTimeField(_("owner told"), null=True, blank=True)

    class Meta:
        verbose_name = _("bounced address")
        verbose_name_plural = _("bounced addresses")

    def __str__(self) -> str:
        return f"{self.channel}: {self.reason}"

    @staticmethod
    def normalise(address: str) -> str:
        return address.strip().lower()
