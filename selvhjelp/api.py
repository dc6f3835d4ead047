"""The public JSON API (``/api/v1/``), with its OpenAPI schema and docs.

Every rejection is a 4xx with a JSON body: ``{"error": code, "detail": …}``.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from core.ratelimit import rate_limit
from groups.api import router as groups_router
from monitoring.api import router as statistics_router
from places.api import router as places_router

api = NinjaAPI(
    title="Selvhjelp API",
    version="1",
    description=(
        "Public data about self-help groups in Norway: search, group details, place "
        "suggestions and an open data feed. No personal data, no exact meeting places."
    ),
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"error": "invalid_request", "detail": exc.errors}, status=400
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # For example a body that is not JSON at all; ninja's own answer has no code.
    code = "invalid_request" if exc.status_code == 400 else "error"
    return api.create_response(request, {"error": code, "detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"error": "not_found", "detail": "Not found."}, status=404)


# Per client address, reads included; over the limit: 429 with a JSON error.
api.add_decorator(rate_limit("api", every_method=True), mode="view")
api.add_router("/groups", groups_router)
api.add_router("/places", places_router)
api.add_router("/statistics", statistics_router)
