"""Who may see what: role checks shared by views and middleware."""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import HttpRequest


def is_staff_user(user: Any) -> bool:
    """Anyone with an organisational role, or access to the admin site."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or user.staff_roles.exists())


def has_mfa(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_used_mfa(request: HttpRequest) -> bool:
    """Whether this session was confirmed with a second factor (allauth records it)."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)  # type: ignore[arg-type]
    )
