"""Access-checked reads for staff pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from groups.models import Group

from .models import ContactPoint, District, StaffRole


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


def district_overview(*, district: District) -> QuerySet[ContactPoint]:
    """Contact points of a district with their group counts by state (no people)."""
    states = Group.State
    return (
        ContactPoint.objects.filter(kommune__fylke__district=district)
        .select_related("kommune")
        .annotate(
            forming=Count("groups", filter=Q(groups__state=states.FORMING)),
            starting=Count("groups", filter=Q(groups__state=states.STARTING)),
            self_run=Count("groups", filter=Q(groups__state=states.SELF_RUN)),
            paused=Count("groups", filter=Q(groups__state=states.PAUSED)),
            ended=Count("groups", filter=Q(groups__state=states.ENDED)),
        )
        .order_by("kommune__name", "name")
    )


def contact_point_groups(*, contact_point: ContactPoint) -> QuerySet[Group]:
    return (
        Group.objects.filter(contact_point=contact_point)
        .select_related("theme", "kommune")
        .order_by("state", "name")
    )
