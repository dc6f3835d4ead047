"""The kommune map on the statistics page: inline SVG drawn on the server.

No tiles, no JavaScript, no request to another site, and no ``style``
attributes (the Content-Security-Policy has no ``unsafe-inline``): every
kommune in the scope's area is a ``<path>`` from ``places.shapes`` with a
fill colour and a ``<title>`` giving its name and numbers. Two layers:

- ``grupper`` (default): running groups by area kommune, the numbers the
  "by municipality" table sums (``selectors.member_rollups``);
- ``venter``: people waiting in person with no group on their theme within
  reach, the numbers of the unmet-demand table (``selectors.unmet_demand``).

Every shaded number follows the "<3" rule (``suppression``): a kommune with
1 or 2 groups or people gets the class "fewer than 3", never a shade of its
own. The map costs one query (the kommuner of the area) on top of the
dashboard's own; the outlines are read once per process.

The table under the map holds the same numbers and is the map's accessible
equivalent. Ålesund and Haram share one outline (one kommune in the 2020
boundaries): it is coloured by their summed cells, its title gives each
kommune's own numbers, and the table lists them apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from places.models import Kommune
from places.shapes import Box, kommune_shapes, union

from .filters import Scope
from .selectors import Dashboard, Table
from .suppression import PeopleCount, people, people_total, published_cell, suppressed

GROUPS = "grupper"
WAITING = "venter"
LAYERS = (GROUPS, WAITING)

NONE_COLOUR = "#f2f2f2"
OUTLINE = "#5c5c5c"  # kommune borders: 6.6:1 against white, 5.9:1 against the lightest fill
FYLKE_OUTLINE = "#1a1a1a"  # fylke borders, twice as wide
# Sequential, colour-blind-safe (ColorBrewer "Blues" and "Oranges"), lightest first:
# "<3" has its own class, then the shaded classes from their lower bound.
PALETTES = {
    GROUPS: ("#c6dbef", ((3, "#6baed6"), (5, "#2171b5"), (10, "#08306b"))),
    WAITING: ("#fdd0a2", ((3, "#fd8d3c"), (10, "#d94801"), (25, "#7f2704"))),
}
# "<3" is striped as well (light ground, stripes of the middle shade), so it
# differs from "none" and from the shades by more than its colour.
SMALL_PATTERN = "map-small"
SMALL_FILL = f"url(#{SMALL_PATTERN})"
MARGIN = 0.03  # around a cropped area, of its larger side


@dataclass
class Cell:
    """One kommune's published and raw counts on the map."""

    groups: int = 0
    members: tuple[int, int] = (0, 0)
    waiting: tuple[int, int] = (0, 0)

    @cached_property
    def shown_groups(self) -> PeopleCount:
        return people(published=published_cell(self.groups), raw=self.groups)

    @cached_property
    def shown_members(self) -> PeopleCount:
        return people(published=self.members[0], raw=self.members[1])

    @cached_property
    def shown_waiting(self) -> PeopleCount:
        return people(published=self.waiting[0], raw=self.waiting[1])

    def shown(self, layer: str) -> PeopleCount:
        return self.shown_groups if layer == GROUPS else self.shown_waiting

    @property
    def empty(self) -> bool:
        return not (self.groups or self.members[1] or self.waiting[1])


def combined(cells: Sequence[Cell], layer: str) -> PeopleCount:
    """The shown value of several kommuner drawn as one (sums of whole cells)."""
    if layer == GROUPS:
        return people_total((published_cell(c.groups), c.groups) for c in cells)
    return people_total(c.waiting for c in cells)


@dataclass(frozen=True)
class Legend:
    colour: str
    label: str
    stripes: str = ""  # the stripe colour of the "<3" class


def colour_for(value: PeopleCount, layer: str) -> str:
    if value == 0:
        return NONE_COLOUR
    shades = PALETTES[layer][1]
    if not isinstance(value, int):
        return SMALL_FILL
    colour = shades[0][1]
    for lower, shade in shades:
        if value >= lower:
            colour = shade
    return colour


def legend(layer: str) -> list[Legend]:
    small, shades = PALETTES[layer]
    items = [
        Legend(NONE_COLOUR, pgettext("map legend", "None")),
        Legend(
            small,
            gettext("Fewer than 3 (%(shown)s)") % {"shown": suppressed()},
            stripes=shades[1][1],
        ),
    ]
    for index, (lower, shade) in enumerate(shades):
        if index + 1 < len(shades):
            label = f"{lower}–{shades[index + 1][0] - 1}"
        else:
            label = gettext("%(count)d or more") % {"count": lower}
        items.append(Legend(shade, label))
    return items


def kommune_title() -> str:
    """The title of one kommune on the map, translated once per page."""
    return gettext(
        "%(name)s: running groups %(groups)s, members %(members)s, "
        "waiting with no group within reach %(waiting)s"
    )


def describe_kommune(name: str, cell: Cell, template: str | None = None) -> str:
    return (template or kommune_title()) % {
        "name": name,
        "groups": cell.shown_groups,
        "members": cell.shown_members,
        "waiting": cell.shown_waiting,
    }


@dataclass
class KommuneMap:
    layer: str
    svg: SafeString
    legend: list[Legend]
    table: Table
    drawn: int  # kommuner with an outline on the map


def _viewbox(boxes: list[Box]) -> tuple[int, int, int, int]:
    box = union(boxes)
    if box is None:
        return kommune_shapes().viewbox
    x0, y0, x1, y1 = box
    margin = round(max(x1 - x0, y1 - y0) * MARGIN) + 1
    return x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin


def kommune_map(scope: Scope, data: Dashboard, layer: str) -> KommuneMap:
    """The map of the scope's area and its table, for one layer."""
    layer = layer if layer in LAYERS else GROUPS
    kommuner = Kommune.objects.order_by("name", "number")
    if not scope.national:
        kommuner = kommuner.filter(pk__in=scope.kommune_ids)
    area = list(kommuner.values_list("pk", "number", "name"))

    demand = data.tables["demand"].extra.get("by_kommune", {})
    cells: dict[str, Cell] = {}
    names: dict[str, str] = {}
    for pk, number, name in area:
        groups, published, raw = data.by_area.get(pk, (0, 0, 0))
        cells[number] = Cell(
            groups=groups, members=(published, raw), waiting=demand.get(pk, (0, 0))
        )
        names[number] = name

    shapes = kommune_shapes()
    paths = []
    boxes = []
    classes = {"none": 0, "small": 0, "shaded": 0}
    done: set[str] = set()
    template = kommune_title()
    for number in sorted(cells, key=lambda n: names[n]):
        if number in done or number not in shapes.paths:
            continue
        together = [n for n in shapes.shared.get(number, (number,)) if n in cells]
        done.update(together)
        value = combined([cells[n] for n in together], layer)
        classes["none" if value == 0 else "shaded" if isinstance(value, int) else "small"] += 1
        title = "; ".join(describe_kommune(names[n], cells[n], template) for n in together)
        paths.append((shapes.paths[number], colour_for(value, layer), together[0], title))
        boxes.append(shapes.boxes[number])
    # Fylke borders between two fylker that are both on the map.
    fylker = {number[:2] for _, _, number, _ in paths}
    borders = "".join(
        d for (a, b), d in shapes.fylke_borders.items() if a in fylker and b in fylker
    )

    x, y, width, height = kommune_shapes().viewbox if scope.national else _viewbox(boxes)
    layer_name = (
        gettext("running groups") if layer == GROUPS else gettext("people waiting in person")
    )
    summary = gettext(
        "Map of %(count)d municipalities coloured by %(layer)s. The table below the map "
        "has the same numbers."
    ) % {"count": len(paths), "layer": layer_name}
    summary += (
        " "
        + gettext("%(shaded)d with 3 or more, %(small)d with fewer than 3, %(none)d with none.")
        % classes
    )
    # Joined here, not through format_html: 357 paths in one string. The
    # outline holds path commands only (checked when the file is read), the
    # fill is a constant of this module, the number four digits; the title
    # is escaped.
    body = mark_safe(  # noqa: S308
        "".join(
            f'<path d="{d}" fill="{fill}" data-kommune="{number}"><title>{escape(title)}</title>'
            "</path>"
            for d, fill, number, title in paths
        )
    )
    svg = format_html(
        '<svg class="map" role="img" aria-labelledby="map-title map-desc" '
        'viewBox="{x} {y} {w} {h}" preserveAspectRatio="xMidYMid meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="map-title">{title}</title><desc id="map-desc">{desc}</desc>'
        '<defs><pattern id="{pattern}" patternUnits="userSpaceOnUse" width="{p}" height="{p}" '
        'patternTransform="rotate(45)"><rect width="{p}" height="{p}" fill="{ground}"></rect>'
        '<rect width="{stripe}" height="{p}" fill="{stripes}"></rect></pattern></defs>'
        '<g fill-rule="evenodd" stroke="{outline}" stroke-width="{stroke}" '
        'stroke-linejoin="round">{body}</g>{borders}</svg>',
        x=x,
        y=y,
        w=width,
        h=height,
        title=gettext("Map: %(layer)s by municipality") % {"layer": layer_name},
        desc=summary,
        pattern=SMALL_PATTERN,
        p=max(3, round(width / 120)),  # about 5 px at the page's width
        stripe=max(1, round(width / 400)),
        ground=PALETTES[layer][0],
        stripes=PALETTES[layer][1][1][1],
        outline=OUTLINE,
        # about half a pixel at the page's width, whatever the crop
        stroke=max(1, round(width / 1400)),
        body=body,
        borders=format_html(
            '<path d="{}" fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round" '
            'pointer-events="none"></path>',
            borders,
            FYLKE_OUTLINE,
            2 * max(1, round(width / 1400)),
        )
        if borders
        else "",
    )
    return KommuneMap(
        layer=layer,
        svg=svg,
        legend=legend(layer),
        table=_table(area, cells),
        drawn=len(paths),
    )


def _table(area: list[tuple[int, str, str]], cells: dict[str, Cell]) -> Table:
    shown = [(name, cells[number]) for _, number, name in area if not cells[number].empty]
    rows: list[list[Any]] = [
        [name, cell.shown_groups, cell.shown_members, cell.shown_waiting] for name, cell in shown
    ]
    total = [
        gettext("Total"),
        people_total((published_cell(c.groups), c.groups) for _, c in shown),
        people_total(c.members for _, c in shown),
        people_total(c.waiting for _, c in shown),
    ]
    return Table(
        key="map",
        caption=pgettext("map table", "The map's numbers by municipality"),
        columns=[
            gettext("Municipality"),
            gettext("Running groups"),
            gettext("Members"),
            gettext("Waiting in person with no group within reach"),
        ],
        rows=rows,
        total=total,
        people_columns=(1, 2, 3),
        note=gettext(
            "Municipalities not listed have none. Here and in the map's titles, 1 or 2 is "
            "shown as “%(shown)s”; on the map it is striped. Ålesund and Haram share one "
            "outline: the boundaries are from 2020, when they were one municipality."
        )
        % {"shown": suppressed()},
    )
