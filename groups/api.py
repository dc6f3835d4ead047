"""Public group data as JSON: search, details and an open data feed.

Only the public face of a group leaves through here: never members, their
number, the exact place or a digital meeting link. Coordinates are those of the meeting area,
rounded, and marked approximate.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from ninja import Field, Query, Router, Schema, Status

from . import finder
from .forms import GroupSearchForm
from .models import Group
from .search import DEFAULT_RADIUS_KM

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


class SearchParams(Schema):
    q: str = Field("", max_length=80, description="kommune, town or postal code")
    lat: float | None = None
    lon: float | None = None
    radius: int = Field(DEFAULT_RADIUS_KM, description="5, 10, 25, 50 or 100 km")
    theme: list[str] = Field([], description="theme slugs")
    weekday: list[int] = []
    time: list[str] = Field([], description="morning, afternoon, evening")
    format: list[str] = Field([], description="in_person, digital")
    status: list[str] = Field([], description="open, starting_soon, waiting_list")
    page: int = 1


class SearchOut(Schema):
    place: str | None
    radius_km: int
    count: int = Field(description="exact up to 1,000; see count_is_lower_bound")
    count_is_lower_bound: bool = False
    page: int
    pages: int
    results: list[GroupOut]
    digital: list[GroupOut]


class ErrorOut(Schema):
    error: str
    detail: Any


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DECIMALS)


def group_out(group: Group, request: HttpRequest) -> dict[str, Any]:
    contact_point = group.contact_point
    kommune = group.kommune
    return {
        "slug": group.slug,
        "name": group.name,
        "url": request.build_absolute_uri(group.get_absolute_url()),
        "theme": {
            "slug": group.theme.slug,
            "name": group.theme.name,
            "mixed": group.theme.is_mixed,
        },
        "description": group.description,
        "format": group.format,
        "kommune": (
            {"number": kommune.number, "name": kommune.name, "fylke": kommune.fylke.name}
            if kommune
            else None
        ),
        "area": group.area,
        "latitude": _round(group.latitude),
        "longitude": _round(group.longitude),
        "approximate": True,
        "distance_km": None if group.distance_m is None else round(group.distance_m / 1000, 1),
        "weekday": group.weekday,
        "start_time": group.start_time.strftime("%H:%M"),
        "end_time": group.end_time.strftime("%H:%M"),
        "cadence": group.cadence,
        "meeting_weekdays": group.meeting_weekdays,
        "schedule": group.cadence_text,
        "language": group.language,
        "age_min": group.age_min,
        "age_max": group.age_max,
        "availability": group.availability,
        "availability_label": group.get_availability_display(),
        "status": group.public_status,
        "status_label": group.get_public_status_display(),
        "contact_point": {
            "name": contact_point.name,
            "kind": contact_point.kind,
            "phone": contact_point.public_phone,
            "email": contact_point.public_email,
        },
    }


def _search(request: HttpRequest, data: MultiValueDict[str, Any]) -> Any:
    form = GroupSearchForm(data)
    if not form.is_valid():
        return Status(400, {"error": "invalid_request", "detail": form.errors.get_json_data()})
    context = finder.run(form, page_size=PAGE_SIZE, digital_preview=DIGITAL_PREVIEW)
    result = context["result"]
    page = result.page
    return Status(
        200,
        {
            "place": result.place_label or None,
            "radius_km": result.query.radius_km,
            "count": page.paginator.count if page else 0,
            "count_is_lower_bound": result.many,
            "page": page.number if page else 1,
            "pages": page.paginator.num_pages if page else 0,
            "results": [group_out(g, request) for g in (page.object_list if page else [])],
            "digital": [group_out(g, request) for g in result.digital],
        },
    )


def _related(qs: Any) -> Any:
    return qs.select_related("theme", "kommune__fylke", "contact_point")


@router.get(
    "",
    response={200: SearchOut, 400: ErrorOut},
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
    response={200: SearchOut, 400: ErrorOut},
    summary="Search groups, with the position in the body",
)
def search_groups_post(request: HttpRequest, params: SearchParams) -> Any:
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
    return Status(200, group_out(group, request))
