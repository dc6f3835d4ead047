"""The dashboard's aggregates as JSON (``/api/v1/statistics/``).

For the same people as the page: district staff (their district) and
national administrators, in a session confirmed with TOTP. Anyone else, and
filter values outside the viewer's area, get 404 with a JSON error; bad time
ranges get 400. Counts of people follow the same "<3" rule as the page
(``SELVHJELP_SUPPRESS_BELOW``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.errors import ValidationError

from core.permissions import has_mfa, is_staff_user, session_used_mfa
from groups.api import ErrorOut
from groups.models import Theme

from . import selectors
from .filters import scope_from_request

router = Router(tags=["statistics"])


@router.get(
    "/",
    url_name="statistics",
    response={200: dict[str, Any], 400: ErrorOut, 404: ErrorOut},
    summary="The district statistics as JSON (staff with two-factor authentication only)",
)
def statistics(
    request: HttpRequest,
    distrikt: str | None = None,
    fylke: str | None = None,
    kommune: str | None = None,
    tema: str | None = None,
    fra: str | None = Query(None, description="first month, YYYY-MM"),
    til: str | None = Query(None, description="last month, YYYY-MM"),
) -> dict[str, Any]:
    """Every table of the statistics page for the filters in the query string.

    The parameters are read by the page's own filter form (from ``request.GET``),
    so the page, its CSV files and this answer always agree.
    """
    user = request.user
    if not (is_staff_user(user) and has_mfa(user) and session_used_mfa(request)):
        raise Http404
    result = scope_from_request(user=user, data=request.GET)
    if result.scope is None:
        raise ValidationError(
            [
                {"field": field, "message": str(message)}
                for field, messages in result.form.errors.items()
                for message in messages
            ]
        )
    scope = result.scope
    data = selectors.dashboard(scope, list(Theme.objects.all()))
    return {
        "filters": scope.as_query(),
        "median_weeks_to_self_run": data.median_weeks,
        "median_groups": data.median_count,
        "tables": {
            key: {
                "caption": table.caption,
                "columns": table.columns,
                "rows": table.rows,
                "total": table.total,
                "note": table.note,
            }
            for key, table in data.tables.items()
        },
    }
