"""The interest list (interessebørs): people waiting for a group to start.

A registration says "I would join a group on this theme, in person near this
kommune or digitally". It holds no free text: nothing sensitive beyond the
theme itself, which is why only the person and contact-point staff (as
counts, or as invitations they send) ever see it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Group

REGISTRATION_LIFETIME = datetime.timedelta(days=365)


class InterestRegistrationQuerySet(models.QuerySet["InterestRegistration"]):
    def active(self) -> InterestRegistrationQuerySet:
        """Not withdrawn (or expired, which ``interest_expire`` records as withdrawn)."""
        return self.filter(withdrawn_at__isnull=True)

    def waiting(self, *, now: datetime.datetime | None = None) -> InterestRegistrationQuerySet:
        """Active, not yet invited anywhere, and not past their expiry."""
        return self.active().filter(invited_to__isnull=True, expires_at__gt=now or timezone.now())


class InterestRegistration(models.Model):
    # The same two ways of meeting as a group has.
    Format = Group.Format

    class Radius(models.IntegerChoices):
        KM_10 = 10, _("10 km")
        KM_25 = 25, _("25 km")
        KM_50 = 50, _("50 km")

    class ContactBy(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message (SMS)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="interest_registrations",
    )
    theme = models.ForeignKey(
        "groups.Theme",
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        related_name="interest_registrations",
    )
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    # Required in person; optional for digital groups, where it only helps to
    # route the registration to a contact point.
    kommune = models.ForeignKey(
        "places.Kommune",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interest_registrations",
    )
    radius_km = models.PositiveSmallIntegerField(
        _("distance"), choices=Radius.choices, default=Radius.KM_25
    )
    contact_by = models.CharField(
        _("contact me by"), max_length=5, choices=ContactBy.choices, default=ContactBy.EMAIL
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # Set when the person withdraws, and (to ``expires_at``) when it expires.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    invited_to = models.ForeignKey(
        "groups.Group",
        verbose_name=_("invited to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InterestRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("interest registration")
        verbose_name_plural = _("interest registrations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format="digital") | Q(kommune__isnull=False),
                name="interest_registration_in_person_has_kommune",
            ),
            models.CheckConstraint(
                condition=Q(radius_km__in=[10, 25, 50]),
                name="interest_registration_radius_choices",
            ),
            # One active registration per user, theme, format and kommune. A
            # digital registration's kommune is only routing help, and NULLs
            # never compare equal, hence one constraint per format.
            models.UniqueConstraint(
                fields=["user", "theme", "kommune"],
                condition=Q(withdrawn_at__isnull=True, format="in_person"),
                name="interest_registration_one_active_in_person",
            ),
            models.UniqueConstraint(
                fields=["user", "theme"],
                condition=Q(withdrawn_at__isnull=True, format="digital"),
                name="interest_registration_one_active_digital",
            ),
        ]
        indexes = [
            models.Index(
                fields=["theme", "format", "withdrawn_at"], name="interest_reg_theme_format"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.expires_at is None:
            self.expires_at = self.created_at + REGISTRATION_LIFETIME
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_expired(self) -> bool:
        if self.withdrawn_at is not None:
            return self.withdrawn_at >= self.expires_at
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        if self.is_expired:
            return "expired"
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.invited_to_id is not None:
            return "invited"
        return "waiting"


class QuorumAlert(models.Model):
    """Enough people wait for the same kind of group: a contact point was told.

    ``key`` names the quorum (theme, format, anchor kommune). Only one alert
    per key may be open (not handled) at a time, so a fifth registration, or
    the check running twice, never sends a second notice; once staff start a
    group from it, the alert is handled and a later quorum may alert again.
    """

    key = models.CharField(_("key"), max_length=64)
    contact_point = models.ForeignKey(
        "organisations.ContactPoint",
        verbose_name=_("contact point"),
        on_delete=models.CASCADE,
        related_name="quorum_alerts",
    )
    theme = models.ForeignKey(
        "groups.Theme", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(
        _("format"), max_length=12, choices=InterestRegistration.Format.choices
    )
    kommune = models.ForeignKey(
        "places.Kommune",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    radius_km = models.PositiveSmallIntegerField(_("distance"), default=25)
    count_at_alert = models.PositiveSmallIntegerField(_("people waiting when alerted"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("quorum alert")
        verbose_name_plural = _("quorum alerts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(handled_at__isnull=True),
                name="interest_quorumalert_one_open_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @staticmethod
    def make_key(*, theme_id: int, format: str, kommune_id: int | None) -> str:
        return f"{theme_id}:{format}:{kommune_id or 0}"
