"""Staff invitations: who may invite whom, sending the link, and accepting it.

District staff invite contact-point staff for contact points in their
district; contact-point staff invite volunteer initiators for their own
contact point. Accepting grants the role; the staff area then asks the new
staff member to set up a second factor (``core.middleware``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit
from notifications.services import enqueue

from .models import ContactPoint, StaffInvitation, StaffRole
from .selectors import is_national_admin

Kind = StaffInvitation.Kind

#: Runs in the transaction that accepts an invitation, after the role is granted.
AcceptHook = Callable[[StaffInvitation, Any], None]
_accept_hooks: list[AcceptHook] = []


def accept_hook_register(hook: AcceptHook) -> None:
    """An app above adds what accepting means to it (``groups``: an initiator of a group)."""
    if hook not in _accept_hooks:
        _accept_hooks.append(hook)


# --- Scope ---------------------------------------------------------------------


def invitable_kinds(*, user: Any, contact_point: ContactPoint) -> list[str]:
    """The kinds of role ``user`` may invite people to at ``contact_point``."""
    if not user.is_authenticated:
        return []
    kinds: list[str] = []
    district_id = contact_point.kommune.fylke.district_id
    if is_national_admin(user) or (
        district_id is not None
        and StaffRole.objects.filter(
            user=user, kind=StaffRole.Kind.DISTRICT_STAFF, district_id=district_id
        ).exists()
    ):
        kinds.append(Kind.CONTACT_POINT_STAFF)
    if StaffRole.objects.filter(
        user=user, kind=StaffRole.Kind.CONTACT_POINT_STAFF, contact_point=contact_point
    ).exists():
        kinds.append(Kind.INITIATOR)
    return kinds


def pending_invitations(
    *, contact_point: ContactPoint, kinds: list[str]
) -> QuerySet[StaffInvitation]:
    return (
        StaffInvitation.objects.pending()
        .filter(contact_point=contact_point, kind__in=kinds)
        .order_by("-created_at", "-pk")
    )


def invitation_get_pending(*, token: str) -> StaffInvitation | None:
    return (
        StaffInvitation.objects.pending()
        .select_related("contact_point")
        .filter(token=token)
        .first()
    )


# --- Services ------------------------------------------------------------------


@transaction.atomic
def staff_invitation_create(
    *, inviter: Any, email: str, kind: str, contact_point: ContactPoint
) -> StaffInvitation:
    """Invite ``email`` to a role at ``contact_point``; the e-mail goes through the outbox."""
    if kind not in invitable_kinds(user=inviter, contact_point=contact_point):
        raise DomainError(_("You cannot invite people to that role here."), code="out_of_scope")
    return _invitation_create(inviter=inviter, email=email, kind=kind, contact_point=contact_point)


def initiator_invitation_create(
    *, inviter: Any, email: str, contact_point: ContactPoint
) -> StaffInvitation:
    """Invite ``email`` to be a volunteer initiator at ``contact_point``, for one group.

    For a caller that has checked the inviter may ask (``groups``: the group's
    contact-point staff, or one of its initiators inviting a co-initiator).
    Call inside the caller's transaction.
    """
    return _invitation_create(
        inviter=inviter, email=email, kind=Kind.INITIATOR, contact_point=contact_point
    )


def _invitation_create(
    *, inviter: Any, email: str, kind: str, contact_point: ContactPoint
) -> StaffInvitation:
    invitation = StaffInvitation.objects.create(
        email=email.strip(),
        kind=kind,
        contact_point=contact_point,
        invited_by=inviter,
        token=secrets.token_urlsafe(32),
    )
    # Ids only: the address is personal data and stays in the invitation row.
    audit(
        actor=inviter,
        event=AuditEvent.Event.STAFF_INVITATION_CREATED,
        target=invitation,
        data={"kind": kind, "contact_point": contact_point.pk},
    )
    # The invited person has no account yet: the address is the invitation's.
    enqueue(
        key=f"staff_invitation:i={invitation.pk}",
        kind="staff_invitation",
        address=invitation.email,
        params={"invitation": invitation.pk},
    )
    return invitation


def user_has_verified_email(*, user: Any, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def staff_invitation_accept(*, invitation_id: int, user: Any) -> StaffRole:
    """Grant the invited role to ``user``, once.

    The user must have verified the address the invitation was sent to.
    """
    invitation = (
        StaffInvitation.objects.select_for_update().pending().filter(pk=invitation_id).first()
    )
    if invitation is None:
        raise DomainError(_("This invitation is no longer valid."), code="not_pending")
    if not user_has_verified_email(user=user, email=invitation.email):
        raise DomainError(
            _(
                "This invitation was sent to another e-mail address than the one you are "
                "logged in with. Log in (or sign up) with the address the invitation was "
                "sent to, and open the link again."
            ),
            code="wrong_email",
        )
    role, _created = StaffRole.objects.get_or_create(
        user=user,
        kind=invitation.kind,
        contact_point=invitation.contact_point,
        defaults={"granted_by": invitation.invited_by},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    for hook in _accept_hooks:
        hook(invitation, user)
    audit(
        actor=user,
        event=AuditEvent.Event.ROLE_GRANTED,
        target=role,
        data={
            "kind": role.kind,
            "contact_point": invitation.contact_point_id,
            "invitation": invitation.pk,
        },
    )
    return role
