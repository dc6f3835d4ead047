"""Staff roles and staff invitations (see ``core.personal_data``)."""

from __future__ import annotations

import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.personal_data import (
    ExportSection,
    Person,
    PersonalData,
    RetentionRule,
    before,
    iso,
    register,
)
from core.services import DomainError

from .models import StaffInvitation, StaffRole


def _roles(user: Any) -> list[dict[str, Any]]:
    roles = StaffRole.objects.filter(user=user).select_related("district", "contact_point")
    return [
        {
            "role": r.kind,
            "district_office": r.district.name if r.district else None,
            "contact_point": r.contact_point.name if r.contact_point else None,
            "granted_at": iso(r.granted_at),
        }
        for r in roles.order_by("pk")
    ]


def _invitations(user: Any) -> list[dict[str, Any]]:
    emails = list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    if user.email:
        emails.append(user.email)
    invitations = StaffInvitation.objects.filter(email__in=emails).select_related("contact_point")
    return [
        {
            "role": i.kind,
            "contact_point": i.contact_point.name,
            "invited_at": iso(i.created_at),
            "expires_at": iso(i.expires_at),
            "accepted_at": iso(i.accepted_at),
        }
        for i in invitations.order_by("pk")
    ]


def delete_expired_staff_invitations(now: datetime.datetime) -> int:
    cutoff = before(now, "SELVHJELP_RETAIN_INVITATION_DAYS")
    return StaffInvitation.objects.filter(expires_at__lt=cutoff).delete()[0]


class OrganisationsData(PersonalData):
    app_label = "organisations"
    models = ("organisations.StaffRole", "organisations.StaffInvitation")
    links = {
        "organisations.StaffRole.user": "staff.roles",
        "organisations.StaffRole.granted_by": "not exported: a role someone else holds",
        "organisations.StaffInvitation.invited_by": "not exported: another person's address",
        "organisations.StaffInvitation.accepted_by": "staff.invitations_received (by address)",
    }
    sections = (
        ExportSection("staff.roles", _roles),
        ExportSection("staff.invitations_received", _invitations),
    )
    # Shares its name and period with the group invitations (``groups``).
    retention = (
        RetentionRule(
            "invitations", delete_expired_staff_invitations, "SELVHJELP_RETAIN_INVITATION_DAYS"
        ),
    )

    def accounts_to_keep(self) -> QuerySet[Any]:
        return StaffRole.objects.values("user_id")

    def deletion_check(self, *, user: Any) -> None:
        """The only national administrator stays, so that someone can still grant roles."""
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

    def erase(self, *, person: Person) -> None:
        # Invitations sent to the person's addresses, accepted or not.
        if not person.emails:
            return
        address_q = Q()
        for address in person.emails:
            address_q |= Q(email__iexact=address)
        StaffInvitation.objects.filter(address_q).delete()


register(OrganisationsData())
