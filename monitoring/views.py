"""District and national dashboards, and their CSV files.

Under ``/personale/`` (TOTP-confirmed sessions, ``StaffMFAMiddleware``).
District staff see their district's fylker; national administrators see
the country. Everyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from groups.models import Theme

from . import charts, maps, selectors
from .exports import table_csv
from .filters import scope_from_request
from .suppression import suppressed, threshold

# Longer tables (unmet demand across the country) are charted by their first rows.
MAX_BARS = 60


def _charts(data: selectors.Dashboard) -> dict[str, Any]:
    """The charts of the page, keyed by the table that holds the same numbers."""
    tables = data.tables
    out: dict[str, Any] = {}

    def chart(key: str, chart_id: str, title: str, column: int, label_columns: int = 1) -> None:
        table = tables[key]
        shown = table.rows[:MAX_BARS]
        if len(table.rows) > MAX_BARS:
            title = gettext("%(title)s (the first %(count)d rows of the table)") % {
                "title": title,
                "count": MAX_BARS,
            }
        labels = [" – ".join(str(c) for c in row[:label_columns]) for row in shown]
        values = [row[column] for row in shown]
        if not labels:
            return
        out.setdefault(key, []).append(
            charts.bar_chart(
                chart_id=chart_id,
                title=title,
                description=charts.describe(labels, values),
                labels=labels,
                values=values,
            )
        )

    chart("states", "chart-states", gettext("Groups by state"), 1)
    chart("themes", "chart-themes", gettext("Running groups by theme"), 1)
    chart("months", "chart-new", gettext("New groups per month"), 1)
    chart("months", "chart-meetings", gettext("Meetings held per month"), 3)
    chart("months", "chart-attendance", gettext("Attendance per month"), 4)
    chart("demand", "chart-demand", gettext("People waiting with no group within reach"), 2, 2)
    return out


NUMBER_CELL = mark_safe(' class="cell--end"')  # an attribute, not text to escape


def _is_number(cell: Any, small: str) -> bool:
    return not isinstance(cell, str) or cell == small


def _row(cells: list[Any], *, head_class: str = "") -> SafeString:
    """One table row: the first cell a row header, numbers aligned to the end."""
    first, rest = cells[0], cells[1:]
    small = suppressed()
    return format_html(
        '<tr><th scope="row">{}</th>{}</tr>',
        first,
        format_html_join(
            "",
            "<td{}>{}</td>",
            ((NUMBER_CELL if _is_number(c, small) else "", c) for c in rest),
        ),
    )


def _head(table: selectors.Table) -> SafeString:
    """The column headers, aligned like the numbers below them."""
    small = suppressed()
    return format_html_join(
        "",
        '<th scope="col"{}>{}</th>',
        (
            (NUMBER_CELL if i and all(_is_number(r[i], small) for r in table.rows) else "", c)
            for i, c in enumerate(table.columns)
        ),
    )


def _body(table: selectors.Table) -> dict[str, SafeString]:
    """The rows of a table as HTML, built here: hundreds of rows render far
    faster than through template loops."""
    return {
        "head": _head(table),
        "rows": SafeString("".join(_row(row) for row in table.rows)),
        "total": _row(table.total) if table.total else SafeString(""),
    }


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    result = scope_from_request(user=request.user, data=request.GET)
    context: dict[str, Any] = {
        "form": result.form,
        "scope": result.scope,
        "threshold": threshold(),
        "suppressed": suppressed(),
    }
    if result.scope is not None:
        themes = list(Theme.objects.all())
        data = selectors.dashboard(result.scope, themes)
        chart_map = _charts(data)
        context.update(
            {
                "data": data,
                "sections": [
                    (table, chart_map.get(table.key, []), _body(table))
                    for table in data.tables.values()
                ],
                "query": urlencode(result.scope.as_query()),
            }
        )
        kommune_map = maps.kommune_map(result.scope, data, request.GET.get("kart", ""))
        context.update(
            {
                "map": kommune_map,
                "map_body": _body(kommune_map.table),
                "map_layers": [
                    (
                        layer,
                        label,
                        urlencode({**result.scope.as_query(), "kart": layer}),
                        layer == kommune_map.layer,
                    )
                    for layer, label in (
                        (maps.GROUPS, gettext("Running groups")),
                        (maps.WAITING, gettext("Unmet demand")),
                    )
                ],
            }
        )
    return render(request, "monitoring/dashboard.html", context)


@login_required
@require_GET
def export_csv(request: AuthenticatedHttpRequest, table: str) -> HttpResponse:
    if table not in selectors.TABLES:
        raise Http404
    result = scope_from_request(user=request.user, data=request.GET)
    if result.scope is None:
        messages = [str(e) for errors in result.form.errors.values() for e in errors]
        return HttpResponse(
            "\n".join(messages), status=400, content_type="text/plain; charset=utf-8"
        )
    scope = result.scope
    content = table_csv(selectors.table(scope, table))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = f"selvhjelp-{table}-{scope.first_month:%Y-%m}-{scope.last_month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
