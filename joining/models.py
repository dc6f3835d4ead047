"""Becoming a member: join requests, the group's consent, the waiting list,
and the notices a group sees when someone joins or leaves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("No answer in time")

    class Decider(models.TextChoices):
        INITIATOR = "initiator", _("The initiator decides")
        ANY_MEMBER = "any_member", _("Any member may accept")
        ALL_MEMBERS = "all_members", _("All members must agree")

    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    message = models.CharField(_("short message"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decider = models.CharField(_("who decides"), max_length=12, choices=Decider.choices)
    consent_deadline = models.DateTimeField(_("answer by"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status="pending"),
                name="joining_one_pending_request_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Consent(models.Model):
    """One member's answer to a join request when all members must agree."""

    join_request = models.ForeignKey(
        JoinRequest,
        verbose_name=_("join request"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    membership = models.ForeignKey(
        "groups.Membership",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    agrees = models.BooleanField(_("agrees"))
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["join_request", "membership"], name="joining_consent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class WaitingListEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered a seat")
        ACCEPTED = "accepted", _("Took the seat")
        DECLINED = "declined", _("Said no thanks")
        EXPIRED = "expired", _("Offer expired")
        WITHDRAWN = "withdrawn", _("Left the waiting list")

    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="waiting_list",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="waiting_list_entries",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    created_at = models.DateTimeField(_("joined the list"), auto_now_add=True)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status__in=["waiting", "offered"]),
                name="joining_waiting_once_per_group",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="joining_offer_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class GroupNotice(models.Model):
    """What the group sees about its members coming and going ("K. left the group")."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("joined the group")
        LEFT = "left", _("left the group")
        SIGNED = "signed", _("signed the confidentiality pledge")

    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    membership = models.ForeignKey(
        "groups.Membership",
        verbose_name=_("member"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("group notice")
        verbose_name_plural = _("group notices")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
