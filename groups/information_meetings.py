"""The information meetings the finder shows beside the groups near a searched place.

One query: the upcoming, not cancelled meetings of active contact points whose
kommune lies in the search's bounding box, nearest first by a flat
approximation of the distance and only a few more than are shown; these are
then measured here like the groups (``search.great_circle_m`` to the
kommune's point), and the nearest few within the search's radius are kept.
"""

from __future__ import annotations

import math

from django.db.models import ExpressionWrapper, F, FloatField

from organisations.models import InformationMeeting

from . import search
from .search import SearchQuery

NEAREST_INFORMATION_MEETINGS = 3
# Candidates the database hands over for each meeting shown: the flat order
# may differ from the exact one between places at almost the same distance.
CANDIDATES_PER_SHOWN = 5


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
    # Degrees of longitude shrink towards the pole: scaled, the squared sum
    # orders places as the great circle does, to within a fraction of a per cent
    # at the finder's radii.
    dlat = F("kommune__latitude") - lat
    dlon = (F("kommune__longitude") - lon) * math.cos(math.radians(lat))
    rows = (
        InformationMeeting.objects.listed()
        .filter(kommune__latitude__range=(south, north), kommune__longitude__range=(west, east))
        .annotate(
            flat_distance=ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())
        )
        .select_related("contact_point", "kommune")
        .order_by("flat_distance", "starts_at", "pk")[: limit * CANDIDATES_PER_SHOWN]
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
