"""Audit events for failed logins, logouts and staff roles changed in the admin.

Successful logins are audited by ``accounts.adapter.AccountAdapter.login``
and MFA changes by ``accounts.signals``. A failed login never stores the
address that was typed: only a keyed hash of it (so that repeated attempts on
one address can be seen together) and, when it belongs to an account, that
account's id.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import AuditEvent
from .services import audit


def identifier_digest(value: str) -> str:
    """A short keyed hash: equal for equal input, useless without the secret key."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, value.strip().lower().encode(), hashlib.sha256).hexdigest()[:16]


@receiver(user_login_failed, dispatch_uid="core-audit-login-failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    typed = str(credentials.get("email") or credentials.get("username") or "")
    if not typed:
        return
    user = get_user_model().objects.filter(email__iexact=typed.strip()).first()
    audit(
        actor=None,
        event=AuditEvent.Event.ACCOUNT_LOGIN_FAILED,
        target=user,
        data={"identifier": identifier_digest(typed)},
    )


@receiver(user_logged_out, dispatch_uid="core-audit-logout")
def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        audit(actor=user, event=AuditEvent.Event.ACCOUNT_LOGOUT, target=user)


# Staff roles given or taken away in the Django admin. (Invitations audit the
# roles they grant themselves: organisations.invitations.)
_ADMIN_ROLE_EVENTS = {
    1: AuditEvent.Event.ROLE_GRANTED,
    2: AuditEvent.Event.ROLE_CHANGED,
    3: AuditEvent.Event.ROLE_REVOKED,
}


@receiver(post_save, sender=LogEntry, dispatch_uid="core-audit-admin-roles")
def on_admin_log_entry(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created or instance.content_type is None:
        return
    if instance.content_type.app_label != "organisations":
        return
    if instance.content_type.model != "staffrole":
        return
    event = _ADMIN_ROLE_EVENTS.get(instance.action_flag)
    if event is None:
        return
    AuditEvent.objects.create(
        actor_id=instance.user_id,
        event=event,
        target_type="organisations.staffrole",
        target_id=str(instance.object_id or ""),
        data={"via_admin": True},
    )
