"""People who use the platform.

A user is an e-mail address or a mobile number, login codes (a password is
optional, except for staff), and a display name that may well be a pseudonym.
Nothing else is asked: no real name, no birth date, no diagnosis. A mobile
number is optional; once confirmed with a code it also logs the person in.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import normalise_phone, validate_display_name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str | None, password: str | None, **extra: Any) -> User:
        if not email and not extra.get("phone"):
            raise ValueError("An e-mail address or a mobile number is required.")
        user = self.model(email=self.normalize_email(email) if email else None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str | None, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("display_name", "Admin")
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        NB = "nb", _("Norwegian Bokmål")
        NN = "nn", _("Norwegian Nynorsk")
        EN = "en", _("English")

    # Empty (NULL) for someone who signed up with a mobile number only.
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    display_name = models.CharField(
        _("display name"),
        max_length=40,
        validators=[validate_display_name],
        help_text=_(
            "The name other members see. A first name, a nickname or a made-up name are all fine."
        ),
    )
    phone = models.CharField(
        _("mobile number"),
        max_length=20,
        blank=True,
        help_text=_("Optional. Only used for text-message reminders if you ask for them."),
    )
    # Set when the person typed in a code sent to ``phone``: only then does the
    # number log them in (allauth's phone support, accounts.adapter).
    phone_verified = models.BooleanField(_("mobile number confirmed"), default=False)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.NB
    )
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Can log in to the admin site (national administrators)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            # A confirmed number logs in, so it belongs to one account only.
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(phone_verified=True),
                name="accounts_user_verified_phone_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(email=None) | ~models.Q(phone=""),
                name="accounts_user_email_or_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or f"#{self.pk}"

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email) if self.email else None
        if self.phone:
            self.phone = normalise_phone(self.phone)

    @property
    def sms_number(self) -> str:
        """The number texts may go to: only a confirmed one.

        A number typed on the profile may hold a typo; until a code sent to
        it has been typed in, nothing else is texted to it either
        (``notifications.sending`` checks ``phone_verified`` as well).
        """
        return self.phone if self.phone and self.phone_verified else ""

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile")

    def get_short_name(self) -> str:
        return self.display_name

    def get_full_name(self) -> str:
        return self.display_name
