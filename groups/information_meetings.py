"""The information meetings the finder shows beside the groups near a searched place.

One query: the upcoming, not cancelled meetings of active contact points whose
kommune lies in the search's bounding box; then measured here like the
groups (``search.great_circle_m`` to the kommune's point), the nearest few
within the search's radius. They are few (a contact point holds a handful a
year), so measuring them here costs nothing.
"""

from __future__ import annotations

from organisations.models import InformationMeeting

from . import search
from .search import SearchQuery

NEAREST_INFORMATION_MEETINGS = 3


def information_meetings_near(
    query: SearchQuery, *, limit: int = NEAREST_INFORMATION_MEETINGS
) -> list[tuple[InformationMeeting, float]]:
    """Up to ``limit`` coming meetings within the radius, nearest first, with their km.

    Ties by time, then primary key. No point, no meetings (and no query).
    """
    if query.latitude is None or query.longitude is None:
        return []
    lat, lon = float(query.latitude), float(query.longitude)
    radius_m = query.radius_km * 1000.0
    south, north, west, east = search._point_bounds(lat, lon, radius_m)
    rows = (
        InformationMeeting.objects.listed()
        .filter(kommune__latitude__range=(south, north), kommune__longitude__range=(west, east))
        .select_related("contact_point", "kommune")
    )
    measured = []
    for meeting in rows:
        kommune = meeting.kommune
        assert kommune.latitude is not None and kommune.longitude is not None
        metres = search.great_circle_m(lat, lon, kommune.latitude, kommune.longitude)
        if metres <= radius_m:
            measured.append((metres, meeting.starts_at, meeting.pk, meeting))
    measured.sort(key=lambda item: item[:3])
    return [(meeting, round(metres / 1000, 1)) for metres, _at, _pk, meeting in measured[:limit]]
