"""One search of the group finder: the lists a results page (or the API) shows.

A fixed number of queries whatever the number of hits: the theme choices, a
count and a page of nearby groups, a preview of digital groups, and, when
nothing is near, the nearest contact point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator

from organisations.models import ContactPoint

from . import search
from .forms import GroupSearchForm
from .models import Group
from .search import RADIUS_CHOICES_KM, SearchQuery


@dataclass
class FinderResult:
    query: SearchQuery
    place_label: str = ""
    page: Page | None = None
    digital: list[Group] = field(default_factory=list)
    digital_total: int = 0
    wider_radius_km: int | None = None
    nearest_contact_point: ContactPoint | None = None
    nearest_contact_point_km: float | None = None

    @property
    def in_person_listed(self) -> bool:
        return self.page is not None

    @property
    def many(self) -> bool:
        """More hits than are counted exactly (see ``search.COUNT_CAP``)."""
        return self.page is not None and self.page.paginator.count > search.COUNT_CAP

    @property
    def nothing_found(self) -> bool:
        return (self.page is None or not self.page.object_list) and not self.digital


def _page(qs: Any, number: int | None, size: int) -> Page:
    paginator = Paginator(qs, size)
    return paginator.get_page(number or 1)


def nearest_contact_point(lat: float, lon: float) -> tuple[ContactPoint | None, float | None]:
    """The closest active contact point (there are a few hundred at most)."""
    best: tuple[float, ContactPoint] | None = None
    for contact_point in ContactPoint.objects.filter(
        is_active=True, kommune__latitude__isnull=False
    ).select_related("kommune"):
        distance = search.great_circle_m(
            lat,
            lon,
            contact_point.kommune.latitude,  # type: ignore[arg-type]
            contact_point.kommune.longitude,  # type: ignore[arg-type]
        )
        if best is None or distance < best[0]:
            best = (distance, contact_point)
    if best is None:
        return None, None
    return best[1], round(best[0] / 1000, 1)


def run(form: GroupSearchForm, *, page_size: int, digital_preview: int) -> dict[str, Any]:
    """Run a validated search; returns the template context of the results."""
    query = form.to_query()
    page_number = form.cleaned_data.get("page")
    result = FinderResult(query=query, place_label=form.place.label if form.place else "")
    digital_only = query.wants_digital and not query.wants_in_person

    if query.wants_in_person:
        if query.has_point:
            result.page = _page(search.nearby_results(query), page_number, page_size)
        else:
            result.page = _page(
                search.in_person_groups_without_place(query), page_number, page_size
            )
    if query.wants_digital:
        digital = search.digital_groups(query)
        if digital_only:
            result.page = _page(digital, page_number, page_size)
        else:
            result.digital = list(digital[: digital_preview + 1])
            result.digital_total = len(result.digital)
            if result.digital_total > digital_preview:
                result.digital_total = digital.count()
                result.digital = result.digital[:digital_preview]

    nothing_near = result.page is not None and not result.page.object_list
    if nothing_near and not digital_only and query.latitude is not None:
        assert query.longitude is not None
        wider = [r for r in RADIUS_CHOICES_KM if r > query.radius_km]
        result.wider_radius_km = wider[0] if wider else None
        result.nearest_contact_point, result.nearest_contact_point_km = nearest_contact_point(
            query.latitude, query.longitude
        )
    return {"result": result, "digital_only": digital_only}
