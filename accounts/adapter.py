from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.languages import remember_language
from core.models import AuditEvent
from core.permissions import is_staff_user
from core.services import audit
from notifications import sms

from .models import User

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's e-mail in the recipient's language and audits logins.

    allauth's error messages are replaced by the platform's own words, so
    that they read plainly in every language the platform speaks (allauth
    has no Nynorsk).
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account is closed."),
        "cannot_remove_primary_email": _(
            "This is your main e-mail address, so it cannot be removed. "
            "Make another address the main one first."
        ),
        "duplicate_email": _("This e-mail address is already on your account."),
        "email_password_mismatch": _(
            "The e-mail address or the password is not right. Check both and try again."
        ),
        "email_taken": _(
            "There is already an account with this e-mail address. Log in, or ask for a new "
            "password if you have forgotten it."
        ),
        "enter_current_password": _("Type in the password you have now."),
        "incorrect_code": _("The code is not right. Check it and try again."),
        "incorrect_password": _("The password is not right."),
        "invalid_or_expired_key": _("The link does not work any more. Ask for a new one."),
        "invalid_login": _("The login did not work. Try again."),
        "invalid_password_reset": _("The link does not work any more. Ask for a new one."),
        "max_email_addresses": _("You can have at most %d e-mail addresses."),
        "too_many_login_attempts": _("Too many attempts to log in. Wait a little and try again."),
        "unknown_email": _("We have no account with this e-mail address."),
        "unverified_primary_email": _(
            "Confirm the e-mail address before you make it the main one."
        ),
        "select_only_one": _("Choose only one."),
        "same_as_current": _("The new one must be different from the one you have now."),
        "phone_taken": _(
            "This number is already confirmed on another account, so it cannot be "
            "confirmed on this one. Use another number, or log in with this one."
        ),
        "rate_limited": _("Too many attempts in a short time. Wait a little and try again."),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user")
        if template_prefix == "account/email/unknown_account":
            # A staff member asking for a login code is refused like an unknown
            # address (accounts.allauth_forms.RequestLoginCodeForm); say why to them only.
            staff = _staff_with(email=email)
            if staff is not None:
                template_prefix, user = "account/email/staff_login_code_refused", staff
                context = {**context, "user": staff}
        language = getattr(user, "language", None) or translation.get_language() or "nb"
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    # --- Mobile numbers (allauth's phone support) ----------------------------
    # Only a confirmed number is an identity that logs in; a number typed on
    # the profile for reminders stays unconfirmed until a code proves it.

    def phone_form_field(self, **kwargs: Any) -> Any:
        from .forms import MobileNumberField

        return MobileNumberField(**kwargs)

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        if user.phone and user.phone_verified:
            return user.phone, True
        return None

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        user.phone, user.phone_verified = phone, verified
        user.save(update_fields=["phone", "phone_verified"])

    @transaction.atomic
    def set_phone_verified(self, user: Any, phone: str) -> None:
        if user.phone != phone or user.phone_verified:
            return
        # Whoever proves a number now owns it: an older account that had it
        # confirmed loses it as a login (numbers are passed on to others).
        User.objects.filter(phone=phone, phone_verified=True).exclude(pk=user.pk).update(
            phone_verified=False
        )
        user.phone_verified = True
        user.save(update_fields=["phone_verified"])
        audit(actor=user, event=AuditEvent.Event.ACCOUNT_PHONE_CONFIRMED, target=user)

    def get_user_by_phone(self, phone: str) -> Any:
        return User.objects.filter(phone=phone, phone_verified=True, is_active=True).first()

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        with translation.override(getattr(user, "language", None) or "nb"):
            text = _("Your code for Selvhjelp: %(code)s") % {"code": code}
        _send_sms(phone, str(text))

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        # Say nothing to a number we do not know: a text message costs the
        # receiver's attention, and nobody else may learn whether it has an
        # account. A staff member is told why no code came.
        staff = _staff_with(phone=phone)
        if staff is not None:
            with translation.override(staff.language):
                text = _(
                    "Staff log in to Selvhjelp with a password and the code from their "
                    "authenticator app, not with a text-message code."
                )
            _send_sms(phone, str(text))

    def send_account_already_exists_sms(self, phone: str) -> None:
        pass

    def get_login_stages(self) -> list[str]:
        return [
            "accounts.stages.EmailVerificationStage"
            if stage == "allauth.account.stages.EmailVerificationStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        audit(actor=user, event=AuditEvent.Event.ACCOUNT_LOGIN, target=user)

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """Whoever logs in reads the platform in their profile's language.

        Whatever the browser asks for or the last visitor on this device
        chose: the language saved in the profile wins at login.
        """
        response = super().post_login(request, user, **kwargs)
        if user.language in dict(settings.LANGUAGES):
            remember_language(response, user.language)
        return response


class MFAAdapter(DefaultMFAAdapter):
    """Staff may not remove their last second factor: staff pages require it."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": _(
            "Your account is protected with two-factor authentication, so no e-mail address "
            "can be added to it."
        ),
        "cannot_delete_authenticator": _(
            "Staff pages need the second step, so it cannot be turned off."
        ),
        "cannot_generate_recovery_codes": _(
            "Set up an authenticator app first; recovery codes come with it."
        ),
        "incorrect_code": _("The code is not right. Check it and try again."),
        "unverified_email": _(
            "Confirm your e-mail address before you set up two-factor authentication."
        ),
    }

    def can_delete_authenticator(self, authenticator: Any) -> bool:
        if is_staff_user(authenticator.user):
            return False
        return bool(super().can_delete_authenticator(authenticator))


def _staff_with(*, email: str | None = None, phone: str | None = None) -> User | None:
    """The staff account with this address or confirmed number, if any."""
    if email:
        user = User.objects.filter(email__iexact=email).first()
    else:
        user = User.objects.filter(phone=phone, phone_verified=True).first()
    return user if user is not None and is_staff_user(user) else None


def _send_sms(phone: str, text: str) -> None:
    """Send a code at once: it is only good for minutes, so it skips the outbox."""
    try:
        sms.get_backend().send(phone, text)
    except sms.SendError as error:
        # The number stays out of the log; the person can ask for a new code.
        logger.warning("code by text message not sent: %s", error.code)
