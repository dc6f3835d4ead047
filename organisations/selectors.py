"""Access-checked reads for staff pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import ContactPoint, District, InformationMeeting, StaffRole


def is_national_admin(user: Any) -> bool:
    return bool(
        user.is_superuser or user.staff_roles.filter(kind=StaffRole.Kind.NATIONAL_ADMIN).exists()
    )


def districts_for_user(*, user: Any) -> QuerySet[District]:
    if is_national_admin(user):
        return District.objects.all()
    return District.objects.filter(
        staff_roles__user=user, staff_roles__kind=StaffRole.Kind.DISTRICT_STAFF
    ).distinct()


def contact_points_for_user(*, user: Any) -> QuerySet[ContactPoint]:
    return ContactPoint.objects.filter(
        staff_roles__user=user, staff_roles__kind=StaffRole.Kind.CONTACT_POINT_STAFF
    ).distinct()


def district_get_for_user(*, slug: str, user: Any) -> District:
    """404 unless the user works at this district office (or nationally)."""
    return get_object_or_404(districts_for_user(user=user), slug=slug)


def contact_point_get_for_user(*, slug: str, user: Any) -> ContactPoint:
    """404 unless the user is staff at this contact point or its district office."""
    contact_point = get_object_or_404(
        ContactPoint.objects.select_related("kommune__fylke__district"), slug=slug
    )
    if contact_points_for_user(user=user).filter(pk=contact_point.pk).exists():
        return contact_point
    district = contact_point.district
    if district is not None and districts_for_user(user=user).filter(pk=district.pk).exists():
        return contact_point
    raise Http404


# --- Information meetings ----------------------------------------------------------


def information_meetings_upcoming(*, contact_point: ContactPoint) -> list[InformationMeeting]:
    """A contact point's meetings that are not over, soonest first, cancelled ones marked."""
    return list(
        InformationMeeting.objects.upcoming()
        .filter(contact_point=contact_point)
        .select_related("contact_point", "kommune")
    )


def information_meeting_get_public(*, slug: str, pk: int) -> InformationMeeting:
    """One meeting of a listed contact point, also when cancelled or over; else 404."""
    return get_object_or_404(
        InformationMeeting.objects.select_related("contact_point", "kommune__fylke"),
        pk=pk,
        contact_point__slug=slug,
        contact_point__is_active=True,
    )


def information_meetings_for_staff(*, contact_point: ContactPoint) -> list[InformationMeeting]:
    """Every meeting of the contact point, the coming ones first, then the past, newest first."""
    rows = list(
        InformationMeeting.objects.filter(contact_point=contact_point).select_related(
            "contact_point", "kommune"
        )
    )
    coming = [m for m in rows if not m.is_over]
    past = [m for m in rows if m.is_over]
    past.reverse()
    return coming + past
