"""Pre-aggregated meeting activity for the dashboards.

``MeetingCell`` holds one row per base cell of the meeting numbers: month
(Europe/Oslo), theme and area kommune, with the meetings held and the
attendance recorded. The dashboards read these few thousand rows instead of
grouping a million meetings on every request; ``services.activity_refresh``
rebuilds them from ``meetings.Meeting`` with one ``INSERT … SELECT … GROUP
BY`` (recent months every 15 minutes, everything at night).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingCell(models.Model):
    month = models.DateField(_("month"))
    theme = models.ForeignKey(
        "groups.Theme", verbose_name=_("theme"), on_delete=models.CASCADE, related_name="+"
    )
    # The group's kommune, or for a digital group its contact point's kommune.
    kommune = models.ForeignKey(
        "places.Kommune",
        verbose_name=_("municipality"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    meetings = models.PositiveIntegerField(_("meetings held"))
    attendance = models.PositiveIntegerField(_("attendance"))

    class Meta:
        verbose_name = _("meeting statistics cell")
        verbose_name_plural = _("meeting statistics cells")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "theme", "kommune"], name="monitoring_meetingcell_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.theme_id} {self.kommune_id}"
