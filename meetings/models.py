"""Meetings: one row per occurrence of a group's weekly schedule.

Occurrences are generated from the group's rule (``groups.Group`` holds the
weekday, start time, duration and cadence) in ``Europe/Oslo`` wall-clock time
and stored for the weeks ahead, so that a single meeting can be cancelled or
moved, members can send notice of absence for it, and the group can record
how many came. Each member's reminder settings (lead time, channel, groups
without reminders) live here too.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Group


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def of_meeting_groups(self) -> MeetingQuerySet:
        """Meetings of groups that meet now (not paused, not ended)."""
        return self.filter(group__state__in=Group.State.MEETING)

    def upcoming(self, now: datetime.datetime | None = None) -> MeetingQuerySet:
        """Not yet over, of groups that meet; cancelled ones included."""
        return self.of_meeting_groups().filter(ends_at__gt=now or timezone.now())

    def due_for_reminder(self, now: datetime.datetime | None = None) -> MeetingQuerySet:
        """What a reminder may be sent for: upcoming, not cancelled, group not paused."""
        return self.upcoming(now).filter(cancelled_at__isnull=True)


class Meeting(models.Model):
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    # The start the schedule gave this occurrence; it identifies the meeting
    # even after it has been moved.
    occurrence = models.DateTimeField(_("scheduled start"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(
        _("meeting place for this meeting"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to meet at the group's usual place."),
    )
    meeting_url = models.URLField(
        _("meeting link for this meeting"),
        blank=True,
        help_text=_("Leave empty to use the group's usual link."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)
    # Bumped by every move, so that each move notifies the members again.
    change_count = models.PositiveSmallIntegerField(_("times changed"), default=0)
    # How many came: a number only, never names.
    attendance = models.PositiveSmallIntegerField(
        _("how many came"), null=True, blank=True, validators=[MaxValueValidator(99)]
    )
    attendance_recorded_at = models.DateTimeField(_("count recorded"), null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "occurrence"], name="meetings_meeting_one_per_occurrence"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meetings_meeting_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "starts_at"], name="meetings_meeting_group_start"),
            models.Index(fields=["starts_at"], name="meetings_meeting_starts_at"),
            # Meetings held (not cancelled, attendance recorded): the district
            # statistics and the follow-up list read only these.
            models.Index(
                fields=["starts_at", "group"],
                condition=Q(cancelled_at__isnull=True, attendance__isnull=False),
                name="meetings_meeting_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} @ {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return self.group.inside_url("meetings:detail", pk=self.pk)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_moved(self) -> bool:
        return self.starts_at != self.occurrence or bool(self.place)

    @property
    def is_untouched(self) -> bool:
        """As the schedule made it: the schedule may replace or remove it."""
        return self.cancelled_at is None and self.changed_at is None

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def is_over(self, now: datetime.datetime | None = None) -> bool:
        return self.ends_at <= (now or timezone.now())


class Absence(models.Model):
    """Notice of absence (meldeplikt): no reason is asked or stored."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="absences"
    )
    membership = models.ForeignKey(
        "groups.Membership",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice of absence")
        verbose_name_plural = _("notices of absence")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"], name="meetings_absence_one_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} @ {self.meeting_id}"


class CalendarFeed(models.Model):
    """A member's private calendar address; the token is the only key."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"feed {self.pk}"


class ReminderPreference(models.Model):
    """How one member wants meeting reminders: how long before, and by which channel."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message (SMS)")
        BOTH = "both", _("E-mail and text message")

    # Lazy labels, one per choice, so they are translated when shown.
    LEAD_HOUR_CHOICES = [
        (2, _("2 hours before")),
        (6, _("6 hours before")),
        (12, _("12 hours before")),
        (24, _("24 hours before")),
        (48, _("48 hours before")),
    ]
    LEAD_HOURS = tuple(hours for hours, _label in LEAD_HOUR_CHOICES)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    lead_hours = models.PositiveSmallIntegerField(
        _("remind me"),
        default=24,
        choices=LEAD_HOUR_CHOICES,
    )
    channel = models.CharField(
        _("send reminders by"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        # Kept from when reminders lived in the outbox app: the rows stayed put.
        db_table = "notifications_reminderpreference"
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.lead_hours} h, {self.channel}"


class ReminderOptOut(models.Model):
    """A member who wants no meeting reminders for one group."""

    membership = models.OneToOneField(
        "groups.Membership",
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="reminder_opt_out",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "notifications_reminderoptout"
        verbose_name = _("reminder opt-out")
        verbose_name_plural = _("reminder opt-outs")

    def __str__(self) -> str:
        return str(self.membership_id)
