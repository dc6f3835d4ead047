from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest
from django.utils import translation

from core.models import AuditEvent
from core.permissions import is_staff_user
from core.services import audit


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's e-mail in the recipient's language and audits logins."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language() or "nb"
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        audit(actor=user, event=AuditEvent.Event.ACCOUNT_LOGIN, target=user)


class MFAAdapter(DefaultMFAAdapter):
    """Staff may not remove their last second factor: staff pages require it."""

    def can_delete_authenticator(self, authenticator: Any) -> bool:
        if is_staff_user(authenticator.user):
            return False
        return bool(super().can_delete_authenticator(authenticator))
