"""Writes of the directory: a contact point's entry, and reports of a change."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit
from groups.models import Group
from notifications.services import enqueue
from organisations.models import ContactPoint, StaffRole

from .models import ChangeReport

ENTRY_FIELDS = ("public_phone", "public_email", "website", "opening_hours")


@transaction.atomic
def contact_point_entry_update(
    *,
    contact_point: ContactPoint,
    actor: Any,
    public_phone: str,
    public_email: str,
    website: str,
    opening_hours: str,
) -> ContactPoint:
    """The contact point's staff change what the directory says about it.

    The audit row names the fields that changed, not their values.
    """
    locked = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    new = {
        "public_phone": public_phone,
        "public_email": public_email,
        "website": website,
        "opening_hours": opening_hours,
    }
    changed = [name for name in ENTRY_FIELDS if getattr(locked, name) != new[name]]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, new[name])
    locked.save(update_fields=changed)
    audit(
        actor=actor,
        event=AuditEvent.Event.CONTACT_POINT_ENTRY_CHANGED,
        target=locked,
        data={"fields": changed},
    )
    return locked


@transaction.atomic
def change_report_create(
    *,
    contact_point: ContactPoint,
    message: str,
    reply_email: str = "",
    group: Group | None = None,
) -> ChangeReport:
    """Someone reports that a public entry or group page is out of date.

    No account is needed. The contact point's staff (and its public address)
    get a neutral notice through the outbox in this transaction; the words
    stay on the platform, on their staff page.
    """
    if group is not None and group.contact_point_id != contact_point.pk:
        raise DomainError(_("This group belongs to another contact point."), code="invalid")
    message = message.strip()
    # Zero-width and other invisible characters alone say nothing either.
    if not any(char.isprintable() and not char.isspace() for char in message):
        raise DomainError(_("Write a few words about what has changed."), code="invalid")
    report = ChangeReport.objects.create(
        contact_point=contact_point,
        group=group,
        message=message,
        reply_email=reply_email.strip(),
    )
    audit(actor=None, event=AuditEvent.Event.CHANGE_REPORT_RECEIVED, target=report)
    _enqueue_change_report_notices(report)
    return report


def _enqueue_change_report_notices(report: ChangeReport) -> None:
    """One notice to each of the contact point's staff, and one to its public address."""
    contact_point = report.contact_point
    public = (contact_point.public_email or "").strip()
    params: dict[str, int | str | bool | None] = {"report": report.pk}
    staff = StaffRole.objects.filter(
        contact_point=contact_point,
        kind=StaffRole.Kind.CONTACT_POINT_STAFF,
        user__is_active=True,
    ).select_related("user")
    for role in staff:
        if public and (role.user.email or "").lower() == public.lower():
            continue
        enqueue(
            key=f"change_report:r={report.pk}:u={role.user_id}",
            kind="change_report",
            recipient=role.user,
            params=params,
        )
    if public:
        enqueue(
            key=f"change_report:r={report.pk}:cp",
            kind="change_report",
            address=public,
            params=params,
        )


@transaction.atomic
def change_report_mark_handled(*, report: ChangeReport, actor: Any) -> ChangeReport:
    """The contact point's staff mark a report as handled (once; a second time changes nothing)."""
    locked = ChangeReport.objects.select_for_update().get(pk=report.pk)
    if locked.handled_at is not None:
        return locked
    locked.handled_at = timezone.now()
    locked.handled_by = actor
    locked.save(update_fields=["handled_at", "handled_by"])
    # The report may be about a group: the row names the contact point, so that
    # no audit row ties a person to a group.
    audit(
        actor=actor,
        event=AuditEvent.Event.CHANGE_REPORT_HANDLED,
        target=locked.contact_point,
        data={"report": locked.pk},
    )
    return locked
