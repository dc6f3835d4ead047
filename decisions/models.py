"""What a group decides together: proposals, and each member's answer.

A proposal is a change to the group put to its members (pause, end, a new
meeting time …) or, when a new member needs everyone's yes, the consent to
that person (``Kind.CONSENT``). It is open for ``SELVHJELP_CONSENT_DAYS``
days and then passed, lapsed or withdrawn; closed proposals are kept with the
group as its record of what it decided. The rules are in ``services.py``.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Proposal(models.Model):
    class Kind(models.TextChoices):
        START = "start", _("Start the first meetings")
        PAUSE = "pause", _("Take a break")
        RESUME = "resume", _("Meet again after the break")
        END = "end", _("End the group")
        OPEN = "open", _("Open the group to new members")
        CLOSE = "close", _("Close the group to new members")
        SCHEDULE = "schedule", _("Change the meeting time")
        PLACE = "place", _("Change the meeting place")
        PLEDGE_LINES = "pledge_lines", _("Change our own pledge lines")
        ADMIT = "admit", _("A request to join")
        SEAT = "seat", _("A seat from the waiting list")

        # Consent to a new member: every member must say yes; no answer is no.
        CONSENT: ClassVar[tuple[Proposal.Kind, ...]]
        # What the initiators do at once, before the group runs itself.
        BY_INITIATORS: ClassVar[tuple[Proposal.Kind, ...]]

    Kind.CONSENT = (Kind.ADMIT, Kind.SEAT)
    Kind.BY_INITIATORS = (Kind.START, Kind.END)

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PASSED = "passed", _("Agreed")
        LAPSED = "lapsed", _("Not agreed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # None for consent (the person asking is not a member) and once the
    # proposer's account is deleted.
    proposed_by = models.ForeignKey(
        "groups.Membership",
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    # Done at once by an initiator before the group runs itself: recorded so
    # that the members see it.
    by_initiator = models.BooleanField(_("done by an initiator"), default=False)
    note = models.CharField(_("short note"), max_length=300, blank=True)
    # The new meeting time (weekday, start time …), as plain values.
    details = models.JSONField(_("details"), default=dict, blank=True)
    # The new place or pledge lines: group-internal, emptied once decided.
    text = models.TextField(_("proposed text"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    deadline = models.DateTimeField(_("open until"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "kind"],
                condition=Q(status="open") & ~Q(kind__in=["admit", "seat"]),
                name="decisions_one_open_proposal_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="decisions_decided_at_matches_status",
            ),
        ]
        indexes = [
            models.Index(
                fields=["deadline"], condition=Q(status="open"), name="decisions_open_by_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_consent(self) -> bool:
        return self.kind in self.Kind.CONSENT


class Answer(models.Model):
    """One member's agreement or objection; given once."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="answers"
    )
    membership = models.ForeignKey(
        "groups.Membership",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="decision_answers",
    )
    agrees = models.BooleanField(_("agrees"))
    # Only an objection carries a note.
    note = models.CharField(_("short note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "membership"], name="decisions_answer_once"
            ),
            models.CheckConstraint(
                condition=Q(agrees=False) | Q(note=""), name="decisions_only_objections_have_notes"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"
