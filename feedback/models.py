"""Anonymous feedback: what members say about their group, and who has answered.

The two never meet. ``Answer`` holds the three answers with the group and the
month only: no user, no membership, no finer time, and a random primary key so
that not even the order of the rows tells which answer came when. ``Answered``
is the marker on the membership that lets a member answer once per occasion;
it holds no answer and no time, and nothing joins it to an ``Answer``.

An answer is first a ``PendingAnswer``, written with the marker. When its month
is over, all of the month's answers are filed as ``Answer`` rows together, in
random order, and the pending rows are deleted (``services.file_answers``): in
PostgreSQL a row carries the id of the transaction that wrote it, and the
marker's and the pending answer's are one apart (the marker is written in a
savepoint), but a filed answer shares its transaction with every other
answer of the month.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import Group


class Occasion(models.TextChoices):
    """When a member is asked."""

    FIFTH_MEETING = "fifth_meeting", _("After the fifth meeting")
    LEAVING = "leaving", _("When leaving the group")


class AnswerFields(models.Model):
    """The three answers, the group and the month: all that an answer keeps."""

    class Safe(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="+"
    )
    # The first day of the month: the finest time an answer keeps.
    month = models.DateField(_("month"))
    works = models.PositiveSmallIntegerField(
        _("how the group works for you"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    safe = models.CharField(_("feels safe"), max_length=6, choices=Safe.choices)
    text = models.CharField(_("a line to the contact point"), max_length=300, blank=True)

    class Meta:
        abstract = True
        # Never by primary key or insertion: by what was said.
        ordering = ["month", "works", "safe", "text"]
        constraints = [
            models.CheckConstraint(
                condition=Q(works__gte=1, works__lte=5), name="%(app_label)s_%(class)s_works_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(safe__in=["yes", "partly", "no"]),
                name="%(app_label)s_%(class)s_safe_known",
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="%(app_label)s_%(class)s_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.month:%Y-%m}"


class Answer(AnswerFields):
    """One member's answers, filed with the rest of its month's once the month is over."""

    class Meta(AnswerFields.Meta):
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")


class PendingAnswer(AnswerFields):
    """An answer given in the month that is running, waiting to be filed with the others."""

    class Meta(AnswerFields.Meta):
        verbose_name = _("feedback answer waiting for its month to end")
        verbose_name_plural = _("feedback answers waiting for their month to end")


class Answered(models.Model):
    """The member has answered (or said no thanks) on this occasion: nothing more."""

    membership = models.ForeignKey(
        "groups.Membership",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="feedback_answered",
    )
    occasion = models.CharField(_("occasion"), max_length=14, choices=Occasion.choices)

    class Meta:
        verbose_name = _("feedback answered")
        verbose_name_plural = _("feedback answered")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "occasion"], name="feedback_answered_once_per_occasion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.occasion}"
