"""Reactions to allauth's MFA events: audit them, and count a fresh TOTP set-up
as a second-factor step for the session in which it happened."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.dispatch import receiver

from core.models import AuditEvent
from core.services import audit


@receiver(authenticator_added, dispatch_uid="accounts-mfa-added")
def on_authenticator_added(
    sender: Any, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    audit(
        actor=user, event=AuditEvent.Event.MFA_ADDED, target=user, data={"type": authenticator.type}
    )
    if authenticator.type == Authenticator.Type.TOTP and request is not None:
        # Activation required a valid code from the new authenticator: the
        # session has just passed a TOTP step, as at login.
        record_authentication(request, user, "mfa", type="totp", id=authenticator.pk)


@receiver(authenticator_removed, dispatch_uid="accounts-mfa-removed")
def on_authenticator_removed(
    sender: Any, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    audit(
        actor=user,
        event=AuditEvent.Event.MFA_REMOVED,
        target=user,
        data={"type": authenticator.type},
    )
