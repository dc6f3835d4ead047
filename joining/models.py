"""Becoming a member: join requests, the waiting list, and the notices a group
sees when someone joins or leaves.

Where every member must agree to a new member, the request or the seat is put
to the group as a consent proposal (``decisions.Proposal``, linked here as
``consent``): one mechanism for everything a group decides together.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Welcome in the group")
        # The person asking sees the same either way: no reason is given.
        DECLINED = "declined", _("Not this time")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Not this time")

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
    # For a request every member must agree to: the proposal put to them, and
    # its deadline (shown to the person asking).
    consent = models.OneToOneField(
        "decisions.Proposal",
        verbose_name=_("put to the members"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="join_request",
    )
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


class WaitingListEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered a seat")
        # Said yes to the seat in a group where every member must agree first.
        ASKED = "asked", _("Waiting for the group's answer")
        ACCEPTED = "accepted", _("Took the seat")
        DECLINED = "declined", _("Said no thanks")
        EXPIRED = "expired", _("Not this time")
        WITHDRAWN = "withdrawn", _("Left the waiting list")

        # The seat is held for the person.
        HOLDING: ClassVar[tuple[WaitingListEntry.Status, ...]]
        # On the list (waiting, or holding a seat).
        ON_LIST: ClassVar[tuple[WaitingListEntry.Status, ...]]

    Status.HOLDING = (Status.OFFERED, Status.ASKED)
    Status.ON_LIST = (Status.WAITING, Status.OFFERED, Status.ASKED)

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
    # Where every member must agree: the proposal put to them once the person said yes.
    consent = models.OneToOneField(
        "decisions.Proposal",
        verbose_name=_("put to the members"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waiting_list_entry",
    )

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status__in=["waiting", "offered", "asked"]),
                name="joining_on_the_list_once_per_group",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["offered", "asked"]) | Q(offer_expires_at__isnull=False),
                name="joining_held_seat_has_expiry",
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
