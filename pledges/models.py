"""The confidentiality pledge (taushetserklæring) and who signed which version.

National admins publish versioned pledge texts; a group may add its own lines.
A member sees nothing inside a group until they have signed the current
national version together with the group's current lines.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import languages


class PledgeQuerySet(models.QuerySet["Pledge"]):
    def published(self) -> PledgeQuerySet:
        return self.filter(published_at__isnull=False)

    def current(self) -> Pledge | None:
        return self.published().order_by("-version").first()


class Pledge(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    text_nb = models.TextField(_("text (Bokmål)"))
    text_nn = models.TextField(
        _("text (Nynorsk)"),
        blank=True,
        help_text=_("Empty: readers of Nynorsk see the Bokmål text."),
    )
    text_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        help_text=_("Empty while being written. Once published, every member signs it again."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("confidentiality pledge")
        verbose_name_plural = _("confidentiality pledges")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def text(self) -> str:
        return languages.pick(nb=self.text_nb, nn=self.text_nn, en=self.text_en)


class GroupPledgeLines(models.Model):
    """A group's own lines added to the national pledge; ``revision`` grows on change."""

    group = models.OneToOneField(
        "groups.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="pledge_lines",
    )
    text = models.TextField(_("the group's own lines"), max_length=2000, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("group pledge lines")
        verbose_name_plural = _("group pledge lines")

    def __str__(self) -> str:
        return f"r{self.revision}"


class PledgeSignature(models.Model):
    """One member's signature of one pledge version (and the group's lines revision)."""

    membership = models.ForeignKey(
        "groups.Membership",
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="pledge_signatures",
    )
    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="signatures"
    )
    group_lines_revision = models.PositiveIntegerField(_("group lines revision"), default=0)
    typed_name = models.CharField(_("name typed as signature"), max_length=40)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        verbose_name = _("pledge signature")
        verbose_name_plural = _("pledge signatures")
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "pledge", "group_lines_revision"],
                name="pledges_signature_once_per_version",
            ),
            models.CheckConstraint(
                condition=~Q(typed_name=""), name="pledges_signature_has_typed_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge} @ {self.signed_at:%Y-%m-%d}"
