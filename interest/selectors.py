"""Reads for the interest list: who matches a quorum, which contact point answers.

Nothing here returns names or addresses to a page; staff views use the
counts only, and the matching sets feed the services that invite people.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from core import languages
from groups.models import Theme
from groups.search import great_circle_m
from organisations.models import ContactPoint, StaffRole
from places.models import Kommune

from .models import InterestRegistration, QuorumAlert

Format = InterestRegistration.Format
MAX_RADIUS_KM = max(InterestRegistration.Radius.values)


@dataclass(frozen=True)
class InterestFilter:
    """One "list": a theme and format, and for in-person groups an area."""

    theme: Theme
    format: str
    kommune: Kommune | None = None
    radius_km: int = MAX_RADIUS_KM

    @classmethod
    def from_alert(cls, alert: QuorumAlert) -> InterestFilter:
        return cls(
            theme=alert.theme, format=alert.format, kommune=alert.kommune, radius_km=alert.radius_km
        )


def _distance_km(a: Kommune, b: Kommune) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    return great_circle_m(a.latitude, a.longitude, b.latitude, b.longitude) / 1000  # type: ignore[arg-type]


def matching_registrations(*, filter: InterestFilter) -> list[InterestRegistration]:
    """Waiting registrations that fit ``filter``, oldest first.

    In person: the same kommune, or a kommune whose point lies within both
    the filter's radius and the person's own radius. Digital: the same theme.
    """
    qs = (
        InterestRegistration.objects.waiting()
        .filter(theme=filter.theme, format=filter.format)
        .select_related("kommune", "user")
        .order_by("created_at", "pk")
    )
    if filter.format == Format.DIGITAL:
        return list(qs)
    anchor = filter.kommune
    if anchor is None:
        return []
    result = []
    for registration in qs.filter(kommune__isnull=False):
        kommune = registration.kommune
        assert kommune is not None
        if kommune.pk == anchor.pk:
            result.append(registration)
            continue
        distance = _distance_km(anchor, kommune)
        if distance is not None and distance <= min(filter.radius_km, registration.radius_km):
            result.append(registration)
    return result


def responsible_contact_point(*, filter: InterestFilter) -> ContactPoint | None:
    """The contact point that should hear about a quorum.

    In person: an active contact point in the kommune (first by name), else
    the active one whose kommune point is nearest. Digital: in the district
    where most of the waiting people for this theme live (by the optional
    kommune they gave), a learning and coping centre (LMS) if there is an
    active one, else the first active contact point by name; without any
    kommune to go by, the same preference nationwide.
    """
    active = ContactPoint.objects.filter(is_active=True).select_related("kommune")
    if filter.format == Format.IN_PERSON:
        anchor = filter.kommune
        if anchor is None:
            return None
        local = active.filter(kommune=anchor).order_by("name", "pk").first()
        if local is not None:
            return local
        best: tuple[float, str, int, ContactPoint] | None = None
        for cp in active:
            distance = _distance_km(anchor, cp.kommune)
            if distance is None:
                continue
            key = (distance, cp.name, cp.pk, cp)
            if best is None or key[:3] < best[:3]:
                best = key
        return best[3] if best else None

    districts: Counter[int] = Counter(
        InterestRegistration.objects.waiting()
        .filter(theme=filter.theme, format=Format.DIGITAL, kommune__fylke__district__isnull=False)
        .values_list("kommune__fylke__district", flat=True)
    )
    candidates = active
    if districts:
        district_id = max(sorted(districts), key=lambda d: districts[d])
        candidates = active.filter(kommune__fylke__district=district_id)
    return (
        candidates.filter(kind=ContactPoint.Kind.LMS).order_by("name", "pk").first()
        or candidates.order_by("name", "pk").first()
    )


def staff_contact_points(*, user: Any) -> QuerySet[ContactPoint]:
    """Contact points where ``user`` is contact-point staff."""
    if not user.is_authenticated:
        return ContactPoint.objects.none()
    return (
        ContactPoint.objects.filter(
            staff_roles__user=user, staff_roles__kind=StaffRole.Kind.CONTACT_POINT_STAFF
        )
        .select_related("kommune__fylke__district")
        .distinct()
        .order_by("name")
    )


def is_staff_of(*, user: Any, contact_point: ContactPoint) -> bool:
    return staff_contact_points(user=user).filter(pk=contact_point.pk).exists()


def area_q(contact_point: ContactPoint) -> Q:
    """The kommuner a contact point looks after: its district, or its own kommune."""
    district = contact_point.district
    if district is not None:
        return Q(kommune__fylke__district=district)
    return Q(kommune=contact_point.kommune_id)


def waiting_counts(*, contact_point: ContactPoint) -> dict[str, list[dict[str, Any]]]:
    """Waiting people per theme (and kommune, in person) for the contact point's area.

    Counts only: no names, addresses or ids of people.
    """
    waiting = InterestRegistration.objects.waiting()
    in_person = (
        waiting.filter(area_q(contact_point), format=Format.IN_PERSON)
        .values(
            "theme__slug",
            "theme__name_nb",
            "theme__name_nn",
            "theme__name_en",
            "kommune__number",
            "kommune__name",
        )
        .annotate(count=Count("pk"))
        .order_by("-count", "theme__name_nb", "kommune__name")
    )
    digital = (
        waiting.filter(area_q(contact_point) | Q(kommune__isnull=True), format=Format.DIGITAL)
        .values("theme__slug", "theme__name_nb", "theme__name_nn", "theme__name_en")
        .annotate(count=Count("pk"))
        .order_by("-count", "theme__name_nb")
    )
    rows: dict[str, list[dict[str, Any]]] = {
        "in_person": [dict(row) for row in in_person],
        "digital": [dict(row) for row in digital],
    }
    for row in [*rows["in_person"], *rows["digital"]]:
        row["theme_name"] = languages.pick(
            nb=row["theme__name_nb"], nn=row["theme__name_nn"], en=row["theme__name_en"]
        )
    return rows
