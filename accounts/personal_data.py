"""The account itself: profile, addresses, second factors, sessions (see ``core.personal_data``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q, QuerySet

from core.personal_data import (
    ExportSection,
    Person,
    PersonalData,
    RetentionRule,
    audit_forget_target,
    iso,
    register,
)

from .models import User


def _profile(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "phone": user.phone,
        "phone_confirmed": user.phone_verified,
        "language": user.language,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "has_password": user.has_usable_password(),
        "admin_site_access": user.is_staff,
    }


def _email_addresses(user: User) -> list[dict[str, Any]]:
    return [
        {"email": a.email, "verified": a.verified, "primary": a.primary}
        for a in EmailAddress.objects.filter(user=user).order_by("pk")
    ]


def _second_factors(user: User) -> list[dict[str, Any]]:
    return [
        {"type": a.type, "created_at": iso(a.created_at), "last_used_at": iso(a.last_used_at)}
        for a in Authenticator.objects.filter(user=user).order_by("pk")
    ]


def delete_sessions(person: Person) -> int:
    """Every session logged in as the person, or holding one of their addresses."""
    doomed = []
    for session in Session.objects.iterator():
        data: dict[str, Any] = session.get_decoded()
        if str(data.get("_auth_user_id", "")) == str(person.user.pk):
            doomed.append(session.pk)
            continue
        text = repr(data).lower()
        if any(needle in text for needle in person.needles):
            doomed.append(session.pk)
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def delete_expired_sessions(now: datetime.datetime) -> int:
    return Session.objects.filter(expire_date__lt=now).delete()[0]


class AccountsData(PersonalData):
    app_label = "accounts"
    models = (
        "accounts.User",
        "account.EmailAddress",
        "account.EmailConfirmation",
        "mfa.Authenticator",
        "sessions.Session",
        "admin.LogEntry",
    )
    links = {
        "account.EmailAddress.user": "email_addresses",
        "mfa.Authenticator.user": "two_factor_authentication",
        "admin.LogEntry.user": "not exported: the admin site's change log of administrators",
    }
    sections = (
        ExportSection("profile", _profile),
        ExportSection("email_addresses", _email_addresses),
        ExportSection("two_factor_authentication", _second_factors),
    )
    retention = (RetentionRule("sessions", delete_expired_sessions),)

    def email_addresses(self, *, user: Any) -> Iterable[str]:
        return EmailAddress.objects.filter(user=user).values_list("email", flat=True)

    def accounts_to_keep(self) -> QuerySet[Any]:
        # A confirmed address or number, with a password, is an account someone
        # set up to keep. One that logs in by code only (sign-up with just an
        # e-mail address or a mobile number) is kept while another app keeps
        # it, such as a place on an interest list or in a group, or while used.
        with_password = User.objects.exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        return with_password.filter(
            Q(phone_verified=True)
            | Q(pk__in=EmailAddress.objects.filter(verified=True).values("user_id"))
        ).values("pk")

    def erase(self, *, person: Person) -> None:
        user = person.user
        audit_forget_target(target_type=User._meta.label_lower, ids=[user.pk])
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).delete()
        delete_sessions(person)


register(AccountsData())
