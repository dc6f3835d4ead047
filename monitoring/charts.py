"""Bar charts as inline SVG, drawn on the server.

No JavaScript and no ``style`` attributes (the Content-Security-Policy has no
``unsafe-inline``): geometry and colours are SVG presentation attributes.
Each chart is ``role="img"`` with a title and a description, and the page
shows the same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .suppression import as_number

BAR_COLOUR = "#1e6e8c"  # contrast 5.9:1 against white
LABEL_WIDTH = 190
BAR_AREA = 360
VALUE_WIDTH = 60
ROW_HEIGHT = 24
BAR_HEIGHT = 16


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[Any],
) -> SafeString:
    """Horizontal bars, one per label; "<3" values draw no bar but say "<3"."""
    numbers = [as_number(v) for v in values]
    top = max(numbers, default=0) or 1
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    height = max(1, len(labels)) * ROW_HEIGHT + 8
    rows = []
    for index, (label, value, number) in enumerate(zip(labels, values, numbers, strict=True)):
        y = 4 + index * ROW_HEIGHT
        bar = round(BAR_AREA * number / top, 1)
        rows.append(
            (
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT - 3,
                _short(str(label)),
                LABEL_WIDTH,
                y,
                bar,
                BAR_HEIGHT,
                BAR_COLOUR,
                LABEL_WIDTH + bar + 6,
                y + BAR_HEIGHT - 3,
                value,
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" fill="currentColor" font-size="13">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" fill="currentColor" font-size="13">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=description,
        body=body,
    )


def describe(labels: Sequence[str], values: Sequence[Any]) -> str:
    """A text alternative listing every bar: "Forming: 4, Starting: <3, …"."""
    return ", ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))
