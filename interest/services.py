"""Writes for the interest list: register, withdraw, quorum, invite, expire.

Every service is atomic and keyword-only, writes an audit event with ids
only (never the theme's name or a person's details), and queues its e-mails
after commit with task arguments that are ids only.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit
from groups.models import Group, GroupInvitation, Membership, Theme
from joining.services import membership_add
from notifications.services import enqueue
from organisations.models import ContactPoint, StaffRole
from places.models import Kommune

from . import selectors
from .models import REGISTRATION_LIFETIME, InterestRegistration, QuorumAlert
from .selectors import InterestFilter

Format = InterestRegistration.Format
REMINDER_WINDOW = datetime.timedelta(days=30)


def quorum() -> int:
    return int(getattr(settings, "SELVHJELP_QUORUM", 4))


@transaction.atomic
def interest_register(
    *,
    user: Any,
    theme: Theme,
    format: str,
    kommune: Kommune | None,
    radius_km: int = InterestRegistration.Radius.KM_25,
    contact_by: str = InterestRegistration.ContactBy.EMAIL,
) -> InterestRegistration:
    """Put ``user`` on the interest list for ``theme``; then check for a quorum."""
    if format not in Format.values:
        raise DomainError(_("Choose in person or digital."), code="format")
    if format == Format.IN_PERSON and kommune is None:
        raise DomainError(_("Choose a municipality for a group that meets in person."))
    if radius_km not in InterestRegistration.Radius.values:
        raise DomainError(_("Choose one of the distances offered."), code="radius")
    if contact_by == InterestRegistration.ContactBy.SMS and not getattr(user, "phone", ""):
        raise DomainError(
            _("Add a mobile number to your profile to be contacted by text message."),
            code="no_phone",
        )
    now = timezone.now()
    # The daily sweep may not have run yet: an expired registration must not
    # block a new one (the unique constraint counts only withdrawn_at).
    InterestRegistration.objects.active().filter(user=user, expires_at__lte=now).update(
        withdrawn_at=F("expires_at")
    )
    existing = InterestRegistration.objects.active().filter(user=user, theme=theme, format=format)
    if format == Format.IN_PERSON:
        existing = existing.filter(kommune=kommune)
    if existing.exists():
        raise DomainError(_("You are already on this interest list."), code="duplicate")
    try:
        with transaction.atomic():
            registration = InterestRegistration.objects.create(
                user=user,
                theme=theme,
                format=format,
                kommune=kommune,
                radius_km=radius_km,
                contact_by=contact_by,
                created_at=now,
                expires_at=now + REGISTRATION_LIFETIME,
            )
    except IntegrityError as exc:  # a concurrent twin, or an expired one not yet swept
        raise DomainError(_("You are already on this interest list."), code="duplicate") from exc
    audit(actor=user, event=AuditEvent.Event.INTEREST_REGISTERED, target=registration)
    interest_quorum_check(registration=registration)
    return registration


@transaction.atomic
def interest_withdraw(*, registration: InterestRegistration, user: Any) -> InterestRegistration:
    """Take a registration off the list. Idempotent: a second call changes nothing."""
    registration = InterestRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != user.pk:
        raise DomainError(_("This is not your registration."), code="not_owner")
    if registration.withdrawn_at is None:
        registration.withdrawn_at = timezone.now()
        registration.save(update_fields=["withdrawn_at"])
        audit(actor=user, event=AuditEvent.Event.INTEREST_WITHDRAWN, target=registration)
    return registration


@transaction.atomic
def interest_quorum_check(*, registration: InterestRegistration) -> QuorumAlert | None:
    """Alert the responsible contact point once when enough people wait.

    Counts the waiting registrations that match ``registration`` (same theme
    and format; in person, the same kommune or within both people's radius).
    At ``SELVHJELP_QUORUM`` or more, opens one ``QuorumAlert`` unless an open
    alert for the same theme already covers this area, and queues its notice.
    Safe to run again: an open alert (unique per key) is never duplicated.
    """
    if registration.withdrawn_at is not None or registration.invited_to_id is not None:
        return None
    filter = InterestFilter(
        theme=registration.theme,
        format=registration.format,
        kommune=registration.kommune if registration.format == Format.IN_PERSON else None,
        radius_km=registration.radius_km,
    )
    count = len(selectors.matching_registrations(filter=filter))
    if count < quorum():
        return None
    if _open_alert_covering(filter=filter) is not None:
        return None
    contact_point = selectors.responsible_contact_point(filter=filter)
    if contact_point is None:
        return None
    key = QuorumAlert.make_key(
        theme_id=filter.theme.pk,
        format=filter.format,
        kommune_id=filter.kommune.pk if filter.kommune else None,
    )
    try:
        with transaction.atomic():
            alert = QuorumAlert.objects.create(
                key=key,
                contact_point=contact_point,
                theme=filter.theme,
                format=filter.format,
                kommune=filter.kommune,
                radius_km=filter.radius_km,
                count_at_alert=count,
            )
    except IntegrityError:  # a concurrent check opened it first
        return None
    audit(
        actor=None,
        event=AuditEvent.Event.INTEREST_QUORUM_ALERT,
        target=alert,
        data={"count": count},
    )
    _enqueue_quorum_alert(alert)
    return alert


def _enqueue_quorum_alert(alert: QuorumAlert) -> None:
    """One message each to the contact point's public address and its staff.

    ``sent_at`` records the hand-over to the outbox, which delivers it.
    """
    contact_point = alert.contact_point
    alert.sent_at = timezone.now()
    alert.save(update_fields=["sent_at"])
    if contact_point.public_email:
        enqueue(
            key=f"quorum_alert:a={alert.pk}:cp",
            kind="quorum_alert",
            address=contact_point.public_email,
            params={"alert": alert.pk},
        )
    staff = StaffRole.objects.filter(
        contact_point=contact_point, kind=StaffRole.Kind.CONTACT_POINT_STAFF, user__is_active=True
    ).select_related("user")
    for role in staff:
        public = (contact_point.public_email or "").lower()
        if public and (role.user.email or "").lower() == public:
            continue
        enqueue(
            key=f"quorum_alert:a={alert.pk}:u={role.user_id}",
            kind="quorum_alert",
            recipient=role.user,
            params={"alert": alert.pk},
        )


def _open_alert_covering(*, filter: InterestFilter) -> QuorumAlert | None:
    open_alerts = QuorumAlert.objects.filter(
        handled_at__isnull=True, theme=filter.theme, format=filter.format
    ).select_related("kommune")
    if filter.format == Format.DIGITAL:
        return open_alerts.first()
    anchor = filter.kommune
    assert anchor is not None
    for alert in open_alerts:
        if alert.kommune is None:
            continue
        if alert.kommune.pk == anchor.pk:
            return alert
        distance = selectors._distance_km(anchor, alert.kommune)
        if distance is not None and distance <= min(filter.radius_km, alert.radius_km):
            return alert
    return None


@transaction.atomic
def interest_group_create_forming(
    *,
    contact_point_staff_user: Any,
    contact_point: ContactPoint,
    theme: Theme,
    format: str,
    kommune: Kommune | None,
    name: str,
    weekday: int,
    start_time: datetime.time,
) -> Group:
    """Quickly create a forming group for people on the interest list."""
    if not selectors.is_staff_of(user=contact_point_staff_user, contact_point=contact_point):
        raise DomainError(_("Only staff at this contact point can start its groups."))
    if format == Format.IN_PERSON:
        kommune = kommune or contact_point.kommune
        if kommune.latitude is None:
            raise DomainError(_("This municipality has no map point; choose another."))
    else:
        kommune = None
    base = slugify(name)[:60] or "gruppe"
    slug = base
    while Group.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(5, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    group = Group.objects.create(
        slug=slug,
        name=name,
        theme=theme,
        contact_point=contact_point,
        format=format,
        kommune=kommune,
        latitude=kommune.latitude if kommune else None,
        longitude=kommune.longitude if kommune else None,
        weekday=weekday,
        start_time=start_time,
        state=Group.State.FORMING,
        published_at=timezone.now(),
        created_by=contact_point_staff_user,
    )
    audit(actor=None, event=AuditEvent.Event.INTEREST_GROUP_CREATED, target=group)
    return group


@transaction.atomic
def interest_start_group(
    *,
    contact_point_staff_user: Any,
    alert_or_filter: QuorumAlert | InterestFilter,
    group: Group,
) -> list[GroupInvitation]:
    """Invite everyone waiting on a list into a forming group, in one step.

    Creates one ``GroupInvitation`` per person (skipping anyone already
    invited to or active in the group), sets ``invited_to`` on their
    registrations, marks the alert handled and queues one e-mail each.
    """
    group = Group.objects.select_for_update().get(pk=group.pk)
    if not selectors.is_staff_of(user=contact_point_staff_user, contact_point=group.contact_point):
        raise DomainError(_("Only staff at this contact point can start its groups."))
    alert = alert_or_filter if isinstance(alert_or_filter, QuorumAlert) else None
    filter = InterestFilter.from_alert(alert) if alert else alert_or_filter
    assert isinstance(filter, InterestFilter)
    if alert is not None and alert.contact_point_id != group.contact_point_id:
        raise DomainError(_("This alert belongs to another contact point."))
    if group.state != Group.State.FORMING:
        raise DomainError(_("People can only be invited to a group that is forming."))
    if group.theme_id != filter.theme.pk or group.format != filter.format:
        raise DomainError(_("The group must have the same theme and format as the list."))

    registrations = selectors.matching_registrations(filter=filter)
    taken = set(GroupInvitation.objects.filter(group=group).values_list("user_id", flat=True))
    taken |= set(Membership.objects.active().filter(group=group).values_list("user_id", flat=True))
    invitations = []
    for registration in registrations:
        if registration.user_id in taken:
            continue
        taken.add(registration.user_id)
        invitation = GroupInvitation.objects.create(
            group=group, user_id=registration.user_id, invited_by=contact_point_staff_user
        )
        registration.invited_to = group
        registration.save(update_fields=["invited_to"])
        invitations.append(invitation)
        enqueue(
            key=f"interest_invitation:i={invitation.pk}",
            kind="interest_invitation",
            recipient=registration.user,
            params={"invitation": invitation.pk},
        )
    if alert is not None and alert.handled_at is None:
        alert.handled_at = timezone.now()
        alert.save(update_fields=["handled_at"])
    audit(
        actor=None,
        event=AuditEvent.Event.INTEREST_GROUP_STARTED,
        target=group,
        data={
            "alert_id": alert.pk if alert else None,
            "invitation_ids": [i.pk for i in invitations],
        },
    )
    return invitations


def _pending_invitation(*, invitation: GroupInvitation, user: Any) -> GroupInvitation:
    invitation = GroupInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.user_id != user.pk:
        raise DomainError(_("This invitation is not yours."), code="not_owner")
    if invitation.status != GroupInvitation.Status.PENDING:
        raise DomainError(_("You have already answered this invitation."), code="answered")
    return invitation


@transaction.atomic
def interest_invitation_accept(*, invitation: GroupInvitation, user: Any) -> Membership:
    """Join the group through ``joining.services.membership_add`` (seat under the row lock)."""
    invitation = _pending_invitation(invitation=invitation, user=user)
    group = Group.objects.select_for_update().get(pk=invitation.group_id)
    if group.state not in Group.State.GUIDED:
        raise DomainError(_("This group is no longer taking new members."), code="closed")
    membership = Membership.objects.active().filter(group=group, user=user).first()
    if membership is None:
        membership = membership_add(group=group, user=user)
    invitation.status = GroupInvitation.Status.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    audit(actor=None, event=AuditEvent.Event.INTEREST_INVITATION_ACCEPTED, target=invitation)
    return membership


@transaction.atomic
def interest_invitation_decline(*, invitation: GroupInvitation, user: Any) -> GroupInvitation:
    """Say no; the person's registration goes back on the list."""
    invitation = _pending_invitation(invitation=invitation, user=user)
    invitation.status = GroupInvitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    InterestRegistration.objects.filter(
        user=user, invited_to=invitation.group_id, withdrawn_at__isnull=True
    ).update(invited_to=None)
    audit(actor=None, event=AuditEvent.Event.INTEREST_INVITATION_DECLINED, target=invitation)
    return invitation


@transaction.atomic
def interest_send_expiry_reminders(*, now: datetime.datetime | None = None) -> int:
    """Queue one reminder for each active registration expiring within 30 days.

    Marks the registration reminded and puts one message in the outbox under
    a key per registration, so running this twice sends one e-mail each.
    """
    now = now or timezone.now()
    ids = list(
        InterestRegistration.objects.active()
        .filter(
            reminded_at__isnull=True,
            invited_to__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + REMINDER_WINDOW,
        )
        .select_related("user")
    )
    for registration in ids:
        enqueue(
            key=f"interest_expiry:r={registration.pk}",
            kind="interest_expiry",
            recipient=registration.user,
            params={"registration": registration.pk},
        )
    InterestRegistration.objects.filter(pk__in=[r.pk for r in ids]).update(reminded_at=now)
    return len(ids)


@transaction.atomic
def interest_expire(*, now: datetime.datetime | None = None) -> int:
    """Take expired registrations off the list (``withdrawn_at = expires_at``)."""
    now = now or timezone.now()
    expired = InterestRegistration.objects.active().filter(expires_at__lte=now)
    count = expired.update(withdrawn_at=F("expires_at"))
    if count:
        audit(actor=None, event=AuditEvent.Event.INTEREST_EXPIRED, data={"count": count})
    return count
