"""Writes to user accounts."""

from __future__ import annotations

from django.db import transaction

from core.models import AuditEvent
from core.services import audit

from .models import User


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, phone: str, language: str) -> User:
    """Save the editable profile fields; records which fields changed, not their values."""
    # Compare with the stored row, not with ``user``: a ModelForm bound to the
    # same instance has already copied the new values onto it.
    stored = User.objects.filter(pk=user.pk).values("display_name", "phone", "language").get()
    changed = [
        name
        for name, value in (
            ("display_name", display_name),
            ("phone", phone),
            ("language", language),
        )
        if stored[name] != value  # type: ignore[literal-required]
    ]
    user.display_name = display_name
    user.phone = phone
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "phone", "language"])
    if changed:
        audit(
            actor=user,
            event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED,
            target=user,
            data={"fields": changed},
        )
    return user
