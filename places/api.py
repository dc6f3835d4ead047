from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from .selectors import suggest_places

router = Router(tags=["places"])


class PlaceOut(Schema):
    label: str
    kind: str = Field(description="kommune, postal_place or postal_code")
    latitude: float
    longitude: float
    kommune_number: str


class ErrorOut(Schema):
    error: str
    detail: Any


@router.get(
    "",
    response={200: list[PlaceOut], 400: ErrorOut},
    summary="Suggest places for what was typed",
)
def places(request: HttpRequest, q: str = Query("", max_length=80)) -> list[PlaceOut]:
    """Kommuner, postal places and postal codes; accepts spellings without æ, ø, å."""
    return [PlaceOut(**place.__dict__) for place in suggest_places(q)]
