"""Writes to user accounts."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from core.models import AuditEvent
from core.permissions import is_staff_user
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
    if phone != stored["phone"]:
        # A new number logs in only once a code sent to it has been typed in.
        user.phone_verified = False
    user.phone = phone
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "phone", "phone_verified", "language"])
    if changed:
        audit(
            actor=user,
            event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED,
            target=user,
            data={"fields": changed},
        )
    return user


class PhoneTaken(Exception):
    """Another account holds this number confirmed; it logs in to that one."""


class PhoneChanged(Exception):
    """The number on the profile is no longer the one the code was sent to."""


@transaction.atomic
def user_confirm_phone(*, user: User, phone: str) -> User:
    """Mark ``phone`` as confirmed on ``user``, who typed in the code texted to it.

    A confirmed number logs in, so one account holds it: if another account
    already has it confirmed, the number is refused (``PhoneTaken``) and that
    account keeps it. Which account it is, is never said. ``PhoneChanged``
    when the profile's number is no longer ``phone`` (changed meanwhile).
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.phone != phone:
        raise PhoneChanged
    if locked.phone_verified:
        return locked
    if User.objects.filter(phone=phone, phone_verified=True).exclude(pk=user.pk).exists():
        raise PhoneTaken
    locked.phone_verified = True
    try:
        with transaction.atomic():
            locked.save(update_fields=["phone_verified"])
    except IntegrityError:
        # Another account confirmed the same number a moment ago.
        raise PhoneTaken from None
    user.phone_verified = True
    audit(actor=user, event=AuditEvent.Event.ACCOUNT_PHONE_CONFIRMED, target=user)
    return locked


@transaction.atomic
def user_signup_by_phone(*, phone: str, display_name: str, language: str) -> User | None:
    """The account a code texted to ``phone`` will log in to, created if need be.

    A confirmed number already has its account: the code logs in to that one
    (the page answers the same either way, so nobody learns whether a number
    is known). An account waiting for its first code is reused rather than
    piling up. Staff get None: they log in with a password and TOTP only.
    The number counts as confirmed when the code is typed in
    (``AccountAdapter.set_phone_verified``); until then the account is one
    that retention deletes (``privacy.retention``).
    """
    owner = User.objects.filter(phone=phone, phone_verified=True).first()
    if owner is not None:
        return None if is_staff_user(owner) or not owner.is_active else owner
    waiting = (
        User.objects.select_for_update()
        .filter(phone=phone, phone_verified=False, email=None, last_login=None)
        .first()
    )
    if waiting is not None:
        waiting.display_name, waiting.language = display_name, language
        waiting.save(update_fields=["display_name", "language"])
        return waiting
    user = User(email=None, phone=phone, display_name=display_name, language=language)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user
