"""Public group data as JSON: search, details and an open data feed.

Only the public face of a group leaves through here: never members, their
number, the exact place or a digital meeting link. Coordinates are those of the meeting area,
rounded, and marked approximate.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Annotated, Any, Literal

from annotated_types import Interval
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from ninja import Field, Query, Router, Schema, Status
from ninja.renderers import JSONRenderer
from pydantic import BeforeValidator, ConfigDict, StrictFloat, model_validator

from core.badinput import NAME_PATTERN, VALUE_PATTERN

from . import finder
from .cards import SLUG_MARK, Listing, detail_url
from .forms import LATITUDE_RANGE, LONGITUDE_RANGE, MAX_PAGE, UNKNOWN_PLACE, GroupSearchForm
from .models import Availability, Group, PublicStatus
from .search import DEFAULT_RADIUS_KM, RADIUS_CHOICES_KM, RELATED
from .search import Status as FinderStatus

router = Router(tags=["groups"])
PAGE_SIZE = 20
DIGITAL_PREVIEW = 20
COORDINATE_DECIMALS = 2  # about 1 km: the meeting area, not a doorstep


class ThemeOut(Schema):
    slug: str
    name: str
    mixed: bool


class KommuneOut(Schema):
    number: str
    name: str
    fylke: str


class ContactPointOut(Schema):
    name: str
    kind: str
    phone: str
    email: str


class GroupOut(Schema):
    slug: str
    name: str
    url: str
    theme: ThemeOut
    description: str
    format: str = Field(description="in_person or digital")
    kommune: KommuneOut | None
    area: str
    latitude: float | None
    longitude: float | None
    approximate: bool = True
    distance_km: float | None = Field(None, description="from the search point")
    weekday: int = Field(description="0 = Monday … 6 = Sunday")
    start_time: str
    end_time: str
    cadence: str = Field(description="weekly, fortnightly or custom (see meeting_weekdays)")
    meeting_weekdays: list[int] = Field(description="every weekday the group meets on")
    schedule: str = Field(description="the schedule in words, in the request's language")
    language: str
    age_min: int
    age_max: int | None
    availability: str = Field(
        description="seats, few_seats or full: in words, so that no member count is public"
    )
    availability_label: str
    status: str = Field(description="open, starting_soon, waiting_list, full, closed or paused")
    status_label: str
    contact_point: ContactPointOut


# The schema declares every limit ``GroupSearchForm`` enforces, from the same
# constants, so that a request the schema allows is one the API accepts.
# An enum of numbers, so that "25" in a query string is read as 25.
Radius = IntEnum("Radius", {f"KM_{km}": km for km in RADIUS_CHOICES_KM})  # type: ignore[misc]
Weekday = Annotated[int, Interval(ge=0, le=6)]
TimeOfDay = Literal["morning", "afternoon", "evening"]
Format = Literal["in_person", "digital"]
FilterStatus = Literal["open", "starting_soon", "waiting_list"]
assert set(FilterStatus.__args__) == set(FinderStatus.FILTERABLE)  # type: ignore[attr-defined]


class SearchParams(Schema):
    q: str = Field("", max_length=80, description="kommune, town or postal code")
    lat: float | None = Field(
        None,
        ge=LATITUDE_RANGE[0],
        le=LATITUDE_RANGE[1],
        description="latitude of a point in Norway; with lon, or neither",
    )
    lon: float | None = Field(
        None,
        ge=LONGITUDE_RANGE[0],
        le=LONGITUDE_RANGE[1],
        description="longitude of a point in Norway; with lat, or neither",
    )
    radius: Radius = Field(  # type: ignore[valid-type]
        Radius(DEFAULT_RADIUS_KM), description="km around the place or point"
    )
    theme: list[str] = Field([], description="theme slugs")
    weekday: list[Weekday] = Field([], description="0 = Monday … 6 = Sunday")
    time: list[TimeOfDay] = []
    format: list[Format] = []
    status: list[FilterStatus] = []
    page: int = Field(1, ge=1, le=MAX_PAGE)

    @model_validator(mode="after")
    def _whole_position(self) -> SearchParams:
        """A point is both coordinates or none; ``null`` is not a coordinate."""
        given = [name for name in POSITION if name in self.model_fields_set]
        if any(getattr(self, name) is None for name in given):
            raise ValueError("lat and lon are numbers")
        if len(given) == 1:
            raise ValueError("give lat and lon together, or neither")
        return self


def _json_integer(value: Any) -> Any:
    """An integer as JSON Schema counts one: ``2`` or ``2.0``, never ``true`` or ``"2"``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("a whole number")
        return int(value)
    return value


JsonInteger = Annotated[int, BeforeValidator(_json_integer)]


class SearchBody(SearchParams):
    """The same search as JSON, where a number is a number: ``"2"`` or ``false`` is no weekday.

    A name the search does not know is refused, as the schema says.
    """

    model_config = ConfigDict(extra="forbid")

    weekday: list[Annotated[Weekday, BeforeValidator(_json_integer)]] = Field(
        [], description="0 = Monday … 6 = Sunday"
    )
    radius: Annotated[Literal[5, 10, 25, 50, 100], BeforeValidator(_json_integer)] = Field(  # type: ignore[assignment]
        DEFAULT_RADIUS_KM,  # type: ignore[arg-type]
        description="km around the place or point",
    )
    lat: StrictFloat | None = Field(
        None,
        ge=LATITUDE_RANGE[0],
        le=LATITUDE_RANGE[1],
        description="latitude of a point in Norway; with lon, or neither",
    )
    lon: StrictFloat | None = Field(
        None,
        ge=LONGITUDE_RANGE[0],
        le=LONGITUDE_RANGE[1],
        description="longitude of a point in Norway; with lat, or neither",
    )
    page: JsonInteger = Field(1, ge=1, le=MAX_PAGE)


assert set(SearchBody.model_fields["radius"].annotation.__args__) == set(RADIUS_CHOICES_KM)  # type: ignore[union-attr]
POSITION = ("lat", "lon")


def declare_position(schema: dict[str, Any]) -> dict[str, Any]:
    """Say in the OpenAPI schema what ``SearchParams._whole_position`` enforces.

    In the query string the two become one exploded object parameter
    (``?lat=…&lon=…``) whose two properties are both required; in a body
    they are numbers, never ``null``, each requiring the other.
    """
    body = schema["components"]["schemas"]["SearchBody"]
    coordinates = {}
    for name in POSITION:
        prop = body["properties"][name]
        number = next(s for s in prop.pop("anyOf") if s.get("type") == "number")
        prop.update(number)
        prop.pop("default", None)
        coordinates[name] = dict(number)
    body["dependentRequired"] = {"lat": ["lon"], "lon": ["lat"]}
    for path in schema["paths"].values():
        for operation in path.values():
            parameters = operation.get("parameters", [])
            names = [p["name"] for p in parameters if p.get("in") == "query"]
            if not set(POSITION) <= set(names):
                continue
            operation["parameters"] = [p for p in parameters if p["name"] not in POSITION] + [
                {
                    "in": "query",
                    "name": "position",
                    "style": "form",
                    "explode": True,
                    "required": False,
                    "description": "a point in Norway: lat and lon, both or neither",
                    "schema": {
                        "type": "object",
                        "properties": coordinates,
                        "required": list(POSITION),
                        # An exploded object takes in every other name in the
                        # query string: those pass core.badinput's rules too.
                        "propertyNames": {"pattern": NAME_PATTERN},
                        "additionalProperties": {
                            "type": "string",
                            "pattern": VALUE_PATTERN,
                            "maxLength": 18,
                        },
                    },
                }
            ]
    return schema


class SearchOut(Schema):
    place: str | None
    radius_km: int
    count: int = Field(
        description="exact unless count_is_lower_bound. Groups are read up to the page "
        "asked for and one more (around a place at most the nearest 100, without a place "
        "at most 1,000), so a lower bound says there is a next page"
    )
    count_is_lower_bound: bool = False
    page: int
    pages: int = Field(description="a lower bound too when count_is_lower_bound")
    results: list[GroupOut]
    digital: list[GroupOut]


class ErrorOut(Schema):
    error: str
    detail: Any


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DECIMALS)


@dataclass(frozen=True)
class _Words:
    """What every group's answer shares in one language: labels and the address pattern."""

    labels: dict[str, str]
    detail_url: str  # a group's address after the site, with ``cards.SLUG_MARK`` for its slug


@functools.lru_cache(maxsize=16)
def _words(language: str | None, script_prefix: str) -> _Words:
    """The status and availability labels and a group's address, looked up once per
    language rather than once per group."""
    with translation.override(language):
        return _Words(
            labels={
                **{f"status:{status.value}": str(status.label) for status in PublicStatus},
                **{f"seats:{seats.value}": str(seats.label) for seats in Availability},
            },
            detail_url=detail_url(SLUG_MARK),
        )


def group_outs(listings: Iterable[Listing], site: str) -> list[dict[str, Any]]:
    """``group_out`` for each listing, with the language's words looked up once."""
    words = _words(translation.get_language(), get_script_prefix())
    return [_out(listing, site, words) for listing in listings]


def group_out(listing: Listing, site: str) -> dict[str, Any]:
    """A group as the API shows it; ``site``: the scheme and host its URL starts with."""
    return _out(listing, site, _words(translation.get_language(), get_script_prefix()))


def _out(listing: Listing, site: str, words: _Words) -> dict[str, Any]:
    card = listing.card
    status = card.public_status
    availability = card.availability.value
    labels = words.labels
    return {
        "slug": card.slug,
        "name": listing.name,
        "url": site + words.detail_url.replace(SLUG_MARK, card.slug),
        "theme": {
            "slug": listing.theme_slug,
            "name": card.theme_name,
            "mixed": listing.theme_mixed,
        },
        "description": listing.description,
        "format": Group.Format.DIGITAL if card.is_digital else Group.Format.IN_PERSON,
        "kommune": (
            {
                "number": listing.kommune_number,
                "name": card.kommune_name,
                "fylke": listing.fylke_name,
            }
            if listing.kommune_number
            else None
        ),
        "area": card.area,
        "latitude": _round(card.latitude),
        "longitude": _round(card.longitude),
        "approximate": True,
        "distance_km": None if card.distance_m is None else round(card.distance_m / 1000, 1),
        "weekday": card.weekday,
        "start_time": card.start_time.strftime("%H:%M"),
        "end_time": card.end_time.strftime("%H:%M"),
        "cadence": card.cadence,
        "meeting_weekdays": card.meeting_weekdays,
        "schedule": card.cadence_text,
        "language": listing.language,
        "age_min": listing.age_min,
        "age_max": listing.age_max,
        "availability": availability,
        "availability_label": labels[f"seats:{availability}"],
        "status": status,
        "status_label": labels[f"status:{status}"],
        "contact_point": {
            "name": listing.contact_name,
            "kind": listing.contact_kind,
            "phone": listing.contact_phone,
            "email": listing.contact_email,
        },
    }


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").removesuffix("/")


# The API's renderer (ninja's JSON, as ``selvhjelp.api`` leaves it).
_RENDERER = JSONRenderer()

NOT_FOUND = {("q", UNKNOWN_PLACE), ("theme", "invalid_choice")}


def _search(request: HttpRequest, data: MultiValueDict[str, Any]) -> Any:
    form = GroupSearchForm(data)
    if not form.is_valid():
        detail = form.errors.get_json_data()
        # Well-formed, but naming a place or theme that does not exist: the
        # schema allows the request, so it is not a bad one.
        codes = {
            (field, error.code)
            for field, errors in form.errors.as_data().items()
            for error in errors
        }
        if codes <= NOT_FOUND:
            return Status(404, {"error": "not_found", "detail": detail})
        return Status(400, {"error": "invalid_request", "detail": detail})
    context = finder.run(form, page_size=PAGE_SIZE, digital_preview=DIGITAL_PREVIEW)
    result = context["result"]
    site = _site(request)
    page = result.page
    found = {
        "place": result.place_label or None,
        "radius_km": result.query.radius_km,
        "count": page.paginator.count if page else 0,
        "count_is_lower_bound": result.many,
        "page": page.number if page else 1,
        "pages": page.paginator.num_pages if page else 0,
        "results": group_outs(page.object_list if page else [], site),
        "digital": group_outs(result.digital, site),
    }
    # Rendered as built: ninja's check of every group against ``SearchOut``,
    # field by field through its attribute getters, cost more than the search
    # itself. The answer is held to the schema in tests/finder/test_api.py.
    return HttpResponse(
        _RENDERER.render(request, found, response_status=200),
        content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}",
    )


def _related(qs: Any) -> Any:
    return qs.select_related(*RELATED)


@router.get(
    "",
    response={200: SearchOut, 400: ErrorOut, 404: ErrorOut},
    summary="Search groups, nearest first",
)
def search_groups(request: HttpRequest, params: Query[SearchParams]) -> Any:
    """Groups within ``radius`` km of a place (``q``) or a point (``lat``/``lon``).

    Prefer ``POST /groups/search`` for a position: a query string ends up in
    logs and histories.
    """
    return _search(request, request.GET)  # type: ignore[arg-type]


@router.post(
    "/search",
    response={200: SearchOut, 400: ErrorOut, 404: ErrorOut},
    summary="Search groups, with the position in the body",
)
def search_groups_post(request: HttpRequest, params: SearchBody) -> Any:
    data: MultiValueDict[str, Any] = MultiValueDict()
    for key, value in params.dict().items():
        if value is None or value == "" or value == []:
            continue
        data.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return _search(request, data)


@router.get(
    "/meeting-guide.json",
    summary="Open data feed (Meeting Guide field names)",
    response=list[dict[str, Any]],
)
def meeting_guide_feed(request: HttpRequest) -> HttpResponse:
    """Every public group in the Meeting Guide JSON format, for other directories.

    ``day`` counts from Sunday = 0 as Meeting Guide does; coordinates are the
    meeting area and marked approximate; ``conference_url`` is never given.
    """
    now = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    rows = []
    for group in _related(Group.objects.public()).order_by("pk").iterator(chunk_size=500):
        types = []
        if group.is_digital:
            types.append("ONL")
        if group.language == "en":
            types.append("EN")
        if group.state == Group.State.PAUSED:
            types.append("TC")
        rows.append(
            {
                "name": group.name,
                "slug": group.slug,
                "day": (group.weekday + 1) % 7,
                "time": group.start_time.strftime("%H:%M"),
                "end_time": group.end_time.strftime("%H:%M"),
                "timezone": "Europe/Oslo",
                "types": types,
                "notes": group.description,
                "region": group.kommune.name if group.kommune else "",
                "sub_region": group.area,
                "location": group.area or (group.kommune.name if group.kommune else ""),
                "latitude": _round(group.latitude),
                "longitude": _round(group.longitude),
                "approximate": "yes",
                "group": group.contact_point.name,
                "url": request.build_absolute_uri(group.get_absolute_url()),
                "updated": now,
                "theme": group.theme.name_nb,
            }
        )
    return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})


@router.get(
    "/{slug}",
    # 400: a slug with a control character (core.middleware.BadInputMiddleware).
    response={200: GroupOut, 400: ErrorOut, 404: ErrorOut},
    summary="One group's public page",
)
def group_detail(request: HttpRequest, slug: str) -> Any:
    group = _related(Group.objects.public()).filter(slug=slug).first()
    if group is None:
        raise Http404
    return Status(200, group_out(Listing.of_group(group), _site(request)))
