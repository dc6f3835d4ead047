"""The public JSON API (``/api/v1/``), with its OpenAPI schema and docs.

Every rejection is a 4xx with a JSON body: ``{"error": code, "detail": …}``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from core.badinput import NAME_PATTERN, VALUE_PATTERN
from core.ratelimit import rate_limit
from groups.api import declare_position
from groups.api import router as groups_router
from monitoring.api import router as statistics_router
from places.api import router as places_router


class ObjectBodyParser(Parser):
    """A JSON body is an object, as every operation's schema says.

    Ninja's own parser would hand a list (``[null, null]``) or a number to
    the operation, which then reads it as "no filter".
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise HttpError(400, "The body must be a JSON object.")
        return data


def _text_rules(schema: dict[str, Any], pattern: str) -> None:
    """Give every string in a request's schema the rule ``BadInputMiddleware`` applies."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if node.get("type") == "string" and "pattern" not in node and "enum" not in node:
            node["pattern"] = pattern
        for value in node.values():
            if isinstance(value, dict):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, dict))


def declare_bad_input(schema: dict[str, Any]) -> dict[str, Any]:
    """No control character in a path or a value (``core.badinput``), said in the schema."""
    components = schema.get("components", {}).get("schemas", {})
    for path in schema["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                rule = NAME_PATTERN if parameter["in"] == "path" else VALUE_PATTERN
                _text_rules(parameter["schema"], rule)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content["schema"].get("$ref", "")
                target = components.get(ref.rsplit("/", 1)[-1]) if ref else content["schema"]
                if target is not None:
                    _text_rules(target, VALUE_PATTERN)
    return schema


class SelvhjelpAPI(NinjaAPI):
    """Ninja, with what its generated schema cannot say added by the API's own rules."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return declare_bad_input(declare_position(super().get_openapi_schema(**kwargs)))


api = SelvhjelpAPI(
    title="Selvhjelp API",
    version="1",
    description=(
        "Public data about self-help groups in Norway: search, group details, place "
        "suggestions and an open data feed. No personal data, no exact meeting places."
    ),
    urls_namespace="api",
    parser=ObjectBodyParser(),
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
