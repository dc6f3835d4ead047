"""Who may see what: role checks shared by views and middleware."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator


def is_staff_user(user: Any) -> bool:
    """Anyone with an organisational role, or access to the admin site."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or user.staff_roles.exists())


def has_mfa(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
