"""One search of the group finder: the lists a results page (or the API) shows.

A fixed number of queries whatever the number of hits: the theme choices, a
count and a page of nearby groups, a preview of digital groups, and, when
nothing is near, the nearest contact points.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator

from organisations.models import ContactPoint

from . import search
from .cards import read as card_read
from .forms import GroupSearchForm
from .search import RADIUS_CHOICES_KM, SearchQuery
from .selectors import ThemeChoice


@dataclass
class FinderResult:
    query: SearchQuery
    place_label: str = ""
    page: Page | None = None
    # ``Group`` instances for the API; ``cards.Card`` for the finder's page.
    digital: list[Any] = field(default_factory=list)
    digital_total: int = 0
    wider_radius_km: int | None = None
    # The nearest contact points with their distance in km, when nothing is near.
    nearest_contact_points: list[tuple[ContactPoint, float]] = field(default_factory=list)

    @property
    def in_person_listed(self) -> bool:
        return self.page is not None

    @property
    def many(self) -> bool:
        """More hits than were read: the count is a lower bound (``search.KnnPages`` and
        ``search.ListPages`` read up to the page shown and one more)."""
        return self.page is not None and bool(self._listed().capped)

    def _listed(self) -> Any:
        """What the paginator pages: ``search.KnnPages`` or ``search.ListPages``."""
        assert self.page is not None
        return self.page.paginator.object_list

    @property
    def digital_many(self) -> bool:
        """More digital groups than are counted beside a place search."""
        return self.digital_total > search.DIGITAL_LINK_CAP

    @property
    def digital_link_cap(self) -> int:
        return search.DIGITAL_LINK_CAP

    @property
    def nothing_found(self) -> bool:
        return (self.page is None or not self.page.object_list) and not self.digital


def _page(qs: Any, number: int | None, size: int) -> Page:
    paginator = Paginator(qs, size)
    return paginator.get_page(number or 1)


NEAREST_CONTACT_POINTS = 3


def contact_points_by_distance(
    lat: float,
    lon: float,
    *,
    contact_points: Iterable[ContactPoint] | None = None,
    limit: int | None = None,
) -> list[tuple[ContactPoint, float]]:
    """Active contact points nearest first, each with its distance in km.

    Measured to the point of the contact point's kommune, like the finder's
    groups; ties by name. There are a few hundred contact points at most, so
    they are measured here rather than in the database. ``contact_points``
    (with their kommune loaded) saves the query when the caller has them.
    """
    if contact_points is None:
        contact_points = ContactPoint.objects.filter(is_active=True).select_related("kommune")
    measured = [
        (
            search.great_circle_m(
                lat,
                lon,
                cp.kommune.latitude,  # type: ignore[arg-type]
                cp.kommune.longitude,  # type: ignore[arg-type]
            ),
            cp.name,
            cp.pk,
            cp,
        )
        for cp in contact_points
        if cp.is_active and cp.kommune.latitude is not None and cp.kommune.longitude is not None
    ]
    measured.sort(key=lambda item: item[:3])
    return [(cp, round(metres / 1000, 1)) for metres, _name, _pk, cp in measured[:limit]]


def run(
    form: GroupSearchForm, *, page_size: int, digital_preview: int, cards: bool = False
) -> dict[str, Any]:
    """Run a validated search; returns the template context of the results.

    The digital preview's ids (and how many there are, up to
    ``search.DIGITAL_LINK_CAP``) come from the shared cache, and the page and
    the preview are read by id in one statement (``cards.read``). ``cards``:
    they are the finder's result cards (``cards.Card``); otherwise what the
    API lists (``cards.Listing``).
    """
    query = form.to_query()
    page_number = form.cleaned_data.get("page")
    result = FinderResult(query=query, place_label=form.place.label if form.place else "")
    digital_only = query.wants_digital and not query.wants_in_person
    nearby = query.wants_in_person and query.has_point

    # Every list is a list of ids first; the groups of the page and the digital
    # preview are then read together (``_read``).
    # Every list reads only as far as the page asked for reaches, and one more.
    reach = page_size * max(1, page_number or 1)
    if query.wants_in_person:
        if nearby:
            pages: Any = search.nearby_results(query, ids_only=True, reach=reach)
        else:
            pages = search.in_person_pages(query, reach=reach)
        result.page = _page(pages, page_number, page_size)
    if query.wants_digital:
        if digital_only:
            digital = search.digital_pages(query, reach=reach)
            result.page = _page(digital, page_number, page_size)
        else:
            first = search.digital_first_ids(query)
            result.digital = first[:digital_preview]
            result.digital_total = len(first)
    _read(result, nearby=nearby and not digital_only, cards=cards, themes=form.themes)

    nothing_near = result.page is not None and not result.page.object_list
    if nothing_near and not digital_only and query.latitude is not None:
        assert query.longitude is not None
        wider = [r for r in RADIUS_CHOICES_KM if r > query.radius_km]
        result.wider_radius_km = wider[0] if wider else None
        result.nearest_contact_points = contact_points_by_distance(
            query.latitude, query.longitude, limit=NEAREST_CONTACT_POINTS
        )
    return {"result": result, "digital_only": digital_only}


def _read(result: FinderResult, *, nearby: bool, cards: bool, themes: list[ThemeChoice]) -> None:
    """Turn the page's and the digital preview's ids into cards or listings, in one statement."""
    page_ids: list[int] = list(result.page.object_list) if result.page is not None else []
    digital_ids: list[int] = list(result.digital)
    query = result.query
    near = (float(query.latitude), float(query.longitude)) if nearby else None  # type: ignore[arg-type]
    ids = [*page_ids, *digital_ids]
    found = card_read(ids, near=near, near_ids=page_ids, themes=themes, full=not cards)
    if result.page is not None:
        result.page.object_list = [found[pk] for pk in page_ids if pk in found]
    result.digital = [found[pk] for pk in digital_ids if pk in found]
