"""The information meetings the finder shows beside the groups near a searched place.

There are a few hundred listed meetings at most, so their points (the point of
each meeting's kommune) are kept in the shared cache and measured here, like
the contact points (``search.great_circle_m``): a search with no meeting
within its radius sends no query at all. When some are near, the nearest few
are read by id through ``InformationMeeting.objects.listed()``, so a meeting
that ended, was cancelled or lost its contact point since the points were
cached is still left out.

Publishing, changing, cancelling or deleting a meeting, and any change to a
contact point, drop the cached points (``listed_points_forget``, connected in
``apps.py``).
"""

from __future__ import annotations

from core import caching
from organisations.models import InformationMeeting

from . import search
from .search import SearchQuery

NEAREST_INFORMATION_MEETINGS = 3
# Candidates read from the database for each meeting shown: a cached one may
# have ended or been cancelled since.
CANDIDATES_PER_SHOWN = 3

LISTED_POINTS_CACHE_KEY = "groups:information-meetings:points:v1"
LISTED_POINTS_CACHE_SECONDS = 300


def listed_points() -> list[tuple[int, float, float, float]]:
    """``(pk, latitude, longitude, starts_at as a POSIX timestamp)`` of every listed meeting
    with a place, from the cache (``core.caching``; a query only when it is cold).

    Plain tuples in the cache, so that a new release reads what an old one wrote.
    """
    return caching.remembered(
        LISTED_POINTS_CACHE_KEY,
        lambda: [
            (pk, float(lat or 0), float(lon or 0), starts_at.timestamp())  # never None here
            for pk, lat, lon, starts_at in InformationMeeting.objects.listed()
            .filter(kommune__latitude__isnull=False, kommune__longitude__isnull=False)
            .order_by()
            .values_list("pk", "kommune__latitude", "kommune__longitude", "starts_at")
        ],
        LISTED_POINTS_CACHE_SECONDS,
    )


def listed_points_forget(**kwargs: object) -> None:
    """Drop the cached points (``core.caching.forget``)."""
    caching.forget(LISTED_POINTS_CACHE_KEY)


def information_meetings_near(
    query: SearchQuery, *, limit: int = NEAREST_INFORMATION_MEETINGS
) -> list[tuple[InformationMeeting, float]]:
    """Up to ``limit`` coming meetings within the radius, nearest first, with their km.

    Ties by time, then primary key. No point, no meetings (and no query);
    no meeting within the radius, no query either once the points are cached.
    """
    if query.latitude is None or query.longitude is None:
        return []
    lat, lon = float(query.latitude), float(query.longitude)
    radius_m = query.radius_km * 1000.0
    south, north, west, east = search._point_bounds(lat, lon, radius_m)
    near = []
    for pk, p_lat, p_lon, starts in listed_points():
        if not (south <= p_lat <= north and west <= p_lon <= east):
            continue
        metres = search.great_circle_m(lat, lon, p_lat, p_lon)
        if metres <= radius_m:
            near.append((metres, starts, pk))
    if not near:
        return []
    near.sort()
    distance = {pk: metres for metres, _starts, pk in near[: limit * CANDIDATES_PER_SHOWN]}
    meetings = InformationMeeting.objects.listed().select_related("contact_point", "kommune")
    found = sorted(
        (
            (distance[meeting.pk], meeting.starts_at, meeting.pk, meeting)
            for meeting in meetings.filter(pk__in=distance)
        ),
        key=lambda item: item[:3],
    )
    return [(meeting, round(metres / 1000, 1)) for metres, _at, _pk, meeting in found[:limit]]
