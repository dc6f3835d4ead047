"""Selvhjelp Norge's district offices, the local contact points, and staff roles."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """One of Selvhjelp Norge's seven district offices (distriktskontor)."""

    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    office_town = models.CharField(_("office town"), max_length=80)
    email = models.EmailField(_("public e-mail"), blank=True)
    phone = models.CharField(_("public phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("district office")
        verbose_name_plural = _("district offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactPoint(models.Model):
    """A local organisation that informs, takes enquiries and starts groups."""

    class Kind(models.TextChoices):
        FRISKLIVSSENTRAL = "frisklivssentral", _("Healthy-life centre (frisklivssentral)")
        FRIVILLIGHETSSENTRAL = "frivillighetssentral", _("Volunteer centre (frivillighetssentral)")
        LMS = "lms", _("Learning and coping centre (LMS)")
        USER_ORGANISATION = "user_organisation", _("User organisation")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("short name"), unique=True, max_length=80)
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    kommune = models.ForeignKey(
        "places.Kommune",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="contact_points",
    )
    public_email = models.EmailField(_("public e-mail"), blank=True)
    public_phone = models.CharField(_("public phone"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Free text in the contact point's own words ("Mon–Thu 9–15"): public.
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:detail", kwargs={"slug": self.slug})

    @property
    def district(self) -> District | None:
        return self.kommune.fylke.district


class StaffRole(models.Model):
    """A person's role in an organisation; a person may hold several.

    - national admin: Selvhjelp Norge's national office, all districts;
    - district staff: one district office;
    - contact-point staff: one contact point;
    - initiator: a volunteer registered by a contact point to start groups.
    """

    class Kind(models.TextChoices):
        NATIONAL_ADMIN = "national_admin", _("National administrator")
        DISTRICT_STAFF = "district_staff", _("District office staff")
        CONTACT_POINT_STAFF = "contact_point_staff", _("Contact point staff")
        INITIATOR = "initiator", _("Volunteer initiator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    kind = models.CharField(_("role"), max_length=24, choices=Kind.choices)
    district = models.ForeignKey(
        District,
        verbose_name=_("district office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contact point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.CheckConstraint(
                name="organisations_staffrole_scope_matches_kind",
                condition=(
                    Q(kind="national_admin", district__isnull=True, contact_point__isnull=True)
                    | Q(kind="district_staff", district__isnull=False, contact_point__isnull=True)
                    | Q(
                        kind__in=["contact_point_staff", "initiator"],
                        district__isnull=True,
                        contact_point__isnull=False,
                    )
                ),
            ),
            # One row per role and scope (NULLs never compare equal, hence
            # one conditional constraint per kind of scope).
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind="national_admin"),
                name="organisations_staffrole_unique_national",
            ),
            models.UniqueConstraint(
                fields=["user", "district"],
                condition=Q(kind="district_staff"),
                name="organisations_staffrole_unique_district",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "contact_point"],
                condition=Q(kind__in=["contact_point_staff", "initiator"]),
                name="organisations_staffrole_unique_contact_point",
            ),
        ]

    def __str__(self) -> str:
        scope = self.district or self.contact_point or _("national")
        return f"{self.get_kind_display()}: {scope}"


def _invitation_expiry() -> datetime.datetime:
    return timezone.now() + INVITATION_VALIDITY


INVITATION_VALIDITY = datetime.timedelta(days=14)


class StaffInvitationQuerySet(models.QuerySet["StaffInvitation"]):
    def pending(self) -> StaffInvitationQuerySet:
        """Not accepted and not expired: the link still works."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class StaffInvitation(models.Model):
    """An e-mailed invitation to take a role at a contact point.

    District staff invite contact-point staff; contact-point staff invite
    volunteer initiators. The token in the link is the only secret.
    """

    class Kind(models.TextChoices):
        CONTACT_POINT_STAFF = "contact_point_staff", _("Contact point staff")
        INITIATOR = "initiator", _("Volunteer initiator")

    email = models.EmailField(_("e-mail"))
    kind = models.CharField(_("role"), max_length=24, choices=Kind.choices)
    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contact point"),
        on_delete=models.CASCADE,
        related_name="staff_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = StaffInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"


DESCRIPTION_MAX_LENGTH = 600


class InformationMeetingQuerySet(models.QuerySet["InformationMeeting"]):
    def upcoming(self) -> InformationMeetingQuerySet:
        """Not over yet, of an active contact point; soonest first. Cancelled ones included."""
        return self.filter(ends_at__gt=timezone.now(), contact_point__is_active=True).order_by(
            "starts_at", "pk"
        )

    def listed(self) -> InformationMeetingQuerySet:
        """What lists for seekers show: upcoming and not cancelled."""
        return self.upcoming().filter(cancelled_at__isnull=True)


class InformationMeeting(models.Model):
    """A public meeting where a contact point tells about self-help groups.

    Not a group: nobody joins it and nothing about who comes is stored.
    Everything on the row is public. Its kommune's point places it in the
    finder; a digital one has no place (the contact point says how to join
    in the description or when asked).
    """

    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contact point"),
        on_delete=models.CASCADE,
        related_name="information_meetings",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_digital = models.BooleanField(_("digital"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    kommune = models.ForeignKey(
        "places.Kommune",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="information_meetings",
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    created_at = models.DateTimeField(_("published"), default=timezone.now)
    # Bumped on every change, so a calendar that has the meeting takes the new version.
    change_count = models.PositiveIntegerField(_("changes"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = InformationMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("information meeting")
        verbose_name_plural = _("information meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="organisations_infomeeting_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
            ),
            models.CheckConstraint(
                name="organisations_infomeeting_digital_has_no_place",
                condition=Q(is_digital=False) | Q(place=""),
            ),
        ]
        indexes = [models.Index(fields=["ends_at"], name="organisations_infomeeting_end")]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse(
            "directory:information_meeting",
            kwargs={"slug": self.contact_point.slug, "pk": self.pk},
        )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_over(self) -> bool:
        return self.ends_at <= timezone.now()
