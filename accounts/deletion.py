"""Deleting an account (GDPR Art. 17): at once, completely, and once.

``account_delete`` first lets the person leave everything the way the rest of
the platform expects people to leave (so seats, waiting lists, join requests
and group lifecycles stay consistent), then removes every row that names
them, and finally deletes the user row itself, which cascades to the rest:
memberships, pledge signatures, notices of absence, host turns, consents,
join requests, waiting-list entries, interest registrations, group
invitations, the calendar feed, staff roles, e-mail addresses, second
factors and outbox rows addressed to them.

What stays is what no longer says anything about them: a group's
``member_count`` and attendance numbers, "someone left" notices with the
member link cleared, and audit rows with the actor cleared.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit
from core.signals import identifier_digest
from groups import lifecycle
from groups.models import Group, Membership
from groups.rotation import CONTACT_PERSON_EVENT
from joining import services as joining
from joining.models import JoinRequest, WaitingListEntry
from notifications.models import BouncedAddress, OutgoingMessage
from organisations.models import StaffInvitation, StaffRole

from .models import User

logger = logging.getLogger(__name__)

RUNNING = (Group.State.STARTING, Group.State.SELF_RUN, Group.State.PAUSED)
# Audit data keys that hold a membership id.
MEMBERSHIP_ID_KEYS = ("membership",)


def _end_membership(membership: Membership, user: User) -> None:
    """Leave one group through the same services a person uses to leave."""
    group = membership.group
    others = Membership.objects.active().filter(group=group).exclude(pk=membership.pk).exists()
    if not others and group.state in RUNNING and may_end(group=group, user=user):
        # The last one out of a running group: it ends rather than running
        # with nobody. A group still forming stays with its contact point.
        lifecycle.group_transition(group=group, action="end", actor=user)
        group.refresh_from_db()
    if membership.role == Membership.Role.MEMBER:
        joining.membership_leave(group=group, user=user)
    elif group.state == Group.State.STARTING:
        # The last initiator stepping back hands the group to its members.
        lifecycle.initiator_step_back(group=group, user=user)
    else:
        # Draft or forming: the contact point steers the start until a new
        # initiator is added (``start`` needs one).
        membership.status = Membership.Status.STEPPED_BACK
        membership.ended_at = timezone.now()
        membership.save(update_fields=["status", "ended_at"])
        audit(actor=user, event="group.initiator_stepped_back", target=group)


def may_end(*, group: Group, user: User) -> bool:
    return lifecycle.may(user=user, group=group, action="end")


def _withdraw_everything(user: User) -> None:
    for membership in Membership.objects.active().filter(user=user).select_related("group"):
        _end_membership(membership, user)
    for join_request in JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING):
        joining.join_request_withdraw(join_request=join_request, user=user)
    active = (WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED)
    for entry in WaitingListEntry.objects.filter(user=user, status__in=active).select_related(
        "group"
    ):
        # Passes a held seat on to the next person waiting.
        joining.waiting_list_leave(entry=entry, user=user)


def _scrub_audit(user: User, membership_ids: set[int]) -> None:
    """Clear links to the person from audit rows; the events themselves stay."""
    user_type = User._meta.label_lower
    membership_type = Membership._meta.label_lower
    AuditEvent.objects.filter(target_type=user_type, target_id=str(user.pk)).update(target_id="")
    AuditEvent.objects.filter(
        target_type=membership_type, target_id__in=[str(pk) for pk in membership_ids]
    ).update(target_id="")
    if not membership_ids:
        return
    ids = list(membership_ids)
    for key in MEMBERSHIP_ID_KEYS:
        _clear_data_key(AuditEvent.objects.filter(**{f"data__{key}__in": ids}), key, ids)
    contact_person = AuditEvent.objects.filter(event=CONTACT_PERSON_EVENT)
    for key in ("from", "to"):
        _clear_data_key(contact_person.filter(**{f"data__{key}__in": ids}), key, ids)


def _clear_data_key(events: QuerySet[AuditEvent], key: str, ids: list[int]) -> None:
    for event in events.only("pk", "data"):
        data = dict(event.data)
        if data.get(key) in ids:
            data[key] = None
            AuditEvent.objects.filter(pk=event.pk).update(data=data)


def _delete_sessions(user: User, needles: list[str]) -> int:
    """Every session logged in as the person, or holding one of their addresses."""
    doomed = []
    for session in Session.objects.iterator():
        data: dict[str, Any] = session.get_decoded()
        if str(data.get("_auth_user_id", "")) == str(user.pk):
            doomed.append(session.pk)
            continue
        text = repr(data).lower()
        if any(needle in text for needle in needles):
            doomed.append(session.pk)
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def account_delete_check(*, user: User) -> None:
    """Raise ``DomainError`` when the account may not be deleted now."""
    if not StaffRole.objects.filter(user=user, kind=StaffRole.Kind.NATIONAL_ADMIN).exists():
        return
    others = (
        StaffRole.objects.filter(kind=StaffRole.Kind.NATIONAL_ADMIN, user__is_active=True)
        .exclude(user=user)
        .exists()
    )
    if not others:
        raise DomainError(
            _(
                "You are the only national administrator. Give the role to someone else "
                "before you delete your account."
            ),
            code="last_national_admin",
        )


@transaction.atomic
def account_delete(*, user_id: int) -> bool:
    """Delete the account ``user_id`` and everything that names the person.

    Idempotent: returns ``False`` when there is no such account (any more).
    Atomic: either all of it happens or none of it. Staff roles are revoked
    with the account; the only national administrator is refused, so that
    the platform always has someone who can grant roles.
    """
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        return False
    account_delete_check(user=user)

    _withdraw_everything(user)

    addresses = {user.email.lower()}
    others = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    addresses |= {address.lower() for address in others}
    needles = sorted(addresses | ({user.phone} if user.phone else set()))
    membership_ids = set(Membership.objects.filter(user=user).values_list("pk", flat=True))

    address_q = Q()
    for address in addresses:
        address_q |= Q(email__iexact=address)
    StaffInvitation.objects.filter(address_q).delete()
    outbox_q = Q(recipient=user)
    for needle in needles:
        outbox_q |= Q(address__iexact=needle)
    OutgoingMessage.objects.filter(outbox_q).delete()
    BouncedAddress.objects.filter(Q(user=user) | Q(address__in=needles)).delete()
    # Messages to others about the person's rows would find nothing to render.
    about = (
        Q(params__join_request__in=list(user.join_requests.values_list("pk", flat=True)))
        | Q(params__entry__in=list(user.waiting_list_entries.values_list("pk", flat=True)))
        | Q(params__membership__in=list(membership_ids))
    )
    OutgoingMessage.objects.filter(about, status=OutgoingMessage.Status.PENDING).update(
        status=OutgoingMessage.Status.CANCELLED
    )

    _scrub_audit(user, membership_ids)
    # Failed logins keep a keyed hash of the typed address: drop the person's.
    digests = [identifier_digest(address) for address in needles]
    AuditEvent.objects.filter(data__identifier__in=digests).update(data={})
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).delete()
    _delete_sessions(user, needles)

    # Cascades to every row that belongs to the person (see module docstring);
    # foreign keys from rows that belong to others are set to NULL.
    user.delete()
    audit(actor=None, event="account.deleted")
    logger.info("account deleted")
    return True
