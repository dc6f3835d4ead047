from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.languages import remember_language
from core.models import AuditEvent
from core.permissions import is_staff_user
from core.services import audit


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
        "rate_limited": _("Too many attempts in a short time. Wait a little and try again."),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language() or "nb"
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

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
