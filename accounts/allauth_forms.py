"""allauth's forms the platform changes (``ACCOUNT_FORMS``).

Kept apart from ``forms.py``: allauth's form module imports that one for the
sign-up fields (``ACCOUNT_SIGNUP_FORM_CLASS``), so it cannot import allauth's.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.permissions import is_staff_user


class LoginForm(AllauthLoginForm):
    """allauth's login form, with the password field it drops when sign-up asks for none.

    Sign-up needs no password, but the login page stays the password login:
    staff must use it (with TOTP), and others may add a password later. Login
    by code has its own page.
    """

    def _setup_password_field(self) -> None:
        pass


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """allauth's form, except that staff get no code: they log in with password and TOTP.

    A staff address or number is treated like an unknown one, so the page
    answers the same and nobody learns who is staff; the staff member is told
    why by the adapter.
    """

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("email") and not cleaned.get("phone"):
            # Both are optional when both are offered; one of them is needed.
            raise ValidationError(_("Write your e-mail address or your mobile number."))
        user = getattr(self, "_user", None)
        if user is not None and is_staff_user(user):
            self._user = None
        return cleaned
