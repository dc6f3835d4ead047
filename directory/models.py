"""Reports of a change to a contact point's entry or a public group's page.

A seeker (no account needed) tells the contact point that something it
publishes is out of date. The report names what it is about and holds the
words the person wrote, and, only if they chose to give one, an address to
answer; it is deleted after ``SELVHJELP_RETAIN_CHANGE_REPORT_DAYS``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX_LENGTH = 1000


class ChangeReportQuerySet(models.QuerySet["ChangeReport"]):
    def open(self) -> ChangeReportQuerySet:
        return self.filter(handled_at__isnull=True)


class ChangeReport(models.Model):
    """«Meld fra om endring»: something on a public page is no longer right."""

    contact_point = models.ForeignKey(
        "organisations.ContactPoint",
        verbose_name=_("contact point"),
        on_delete=models.CASCADE,
        related_name="change_reports",
    )
    # Set when the report is about one of the contact point's groups.
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="change_reports",
    )
    message = models.TextField(_("what has changed"), max_length=MESSAGE_MAX_LENGTH)
    reply_email = models.EmailField(_("e-mail for an answer"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ChangeReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report of a change")
        verbose_name_plural = _("reports of a change")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], name="directory_report_created")]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_handled(self) -> bool:
        return self.handled_at is not None
