"""Reads for the public directory: contact points with their groups and themes.

A fixed number of queries for any number of contact points: the contact
points, their public groups, and the interest list's waiting people counted
per kommune and theme. A theme shows on an entry only where at least one
such cell reaches the statistics' threshold (``monitoring.suppression``):
a theme on the page never tells that one or two people in a kommune wait for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from groups.models import Group, Theme
from interest.models import InterestRegistration
from monitoring.suppression import published_cell
from organisations.models import ContactPoint


@dataclass
class Entry:
    """One contact point as the directory shows it."""

    contact_point: ContactPoint
    groups: list[Group] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    distance_km: float | None = None


def public_contact_points() -> QuerySet[ContactPoint]:
    """Contact points the directory lists: the active ones, by name."""
    return (
        ContactPoint.objects.filter(is_active=True)
        .select_related("kommune__fylke")
        .order_by("name", "pk")
    )


def contact_point_get_public(*, slug: str) -> ContactPoint:
    """One listed contact point; 404 for an unknown or inactive one."""
    return get_object_or_404(public_contact_points(), slug=slug)


def group_get_listed(*, slug: str) -> Group:
    """A group anyone may see (``Group.objects.public()``); 404 for drafts and ended ones.

    Unlike the group's own page, no exception for its staff: outreach
    material exists only for what the public can find.
    """
    return get_object_or_404(
        Group.objects.public().select_related("theme", "kommune", "contact_point"), slug=slug
    )


def _waiting_cells() -> list[tuple[int, int | None, int]]:
    """(kommune id, district id, theme id) of every cell with published waiting people."""
    rows = (
        InterestRegistration.objects.waiting()
        .filter(kommune__isnull=False)
        .values("kommune_id", "kommune__fylke__district_id", "theme_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [
        (row["kommune_id"], row["kommune__fylke__district_id"], row["theme_id"])
        for row in rows
        if published_cell(row["count"])
    ]


def directory_entries(contact_points: list[ContactPoint]) -> list[Entry]:
    """The entries for ``contact_points`` (loaded with their kommune and fylke), in order.

    A contact point's interest list covers its district office's area, or its
    own kommune where it has no district (as ``interest.selectors.area_q``).
    """
    entries = [Entry(contact_point=cp) for cp in contact_points]
    if not entries:
        return entries
    by_pk = {entry.contact_point.pk: entry for entry in entries}
    groups = (
        Group.objects.public()
        .filter(contact_point_id__in=by_pk)
        .select_related("theme", "kommune")
        .order_by("name", "pk")
    )
    for group in groups:
        by_pk[group.contact_point_id].groups.append(group)

    cells = _waiting_cells()
    themes = Theme.objects.in_bulk({theme_id for _k, _d, theme_id in cells})
    order = sorted(themes.values(), key=lambda t: (t.sort_order, t.name_nb))
    for entry in entries:
        cp = entry.contact_point
        district_id = cp.kommune.fylke.district_id
        wanted = {
            theme_id
            for kommune_id, cell_district, theme_id in cells
            if (district_id is not None and cell_district == district_id)
            or (district_id is None and kommune_id == cp.kommune_id)
        }
        entry.themes = [theme for theme in order if theme.pk in wanted]
    return entries
