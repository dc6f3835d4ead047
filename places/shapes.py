"""Kommune outlines for maps, from ``places/data/kommune_shapes.json``.

The file is built by ``scripts/build_map.py`` (docs/gazetteer.md): one SVG
path per kommune number, in integer coordinates of one viewBox covering
the country, north up. It is read once per process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SHAPES_FILE = Path(__file__).resolve().parent / "data" / "kommune_shapes.json"

Box = tuple[int, int, int, int]  # min x, min y, max x, max y

_COMMAND = re.compile(r"([Mlz])([^Mlz]*)")
# What a path from the build may hold: so it can go into a page unescaped.
_PATH_TEXT = re.compile(r"^[Mlz0-9 \-]+$")


def path_box(d: str) -> Box:
    """The bounding box of a path written as the build writes them
    (``M x y`` absolute, ``l dx dy ...`` relative, ``z``)."""
    xs: list[int] = []
    ys: list[int] = []
    x = y = 0
    for command, args in _COMMAND.findall(d):
        numbers = [int(v) for v in args.split()]
        if command == "M":
            x, y = numbers[0], numbers[1]
            xs.append(x)
            ys.append(y)
        elif command == "l":
            for i in range(0, len(numbers) - 1, 2):
                x += numbers[i]
                y += numbers[i + 1]
                xs.append(x)
                ys.append(y)
    if not xs:
        raise ValueError("a path without points")
    return min(xs), min(ys), max(xs), max(ys)


def union(boxes: list[Box]) -> Box | None:
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass(frozen=True)
class KommuneShapes:
    viewbox: Box  # x, y, width, height of the whole country
    paths: dict[str, str]  # kommune number -> path ``d``
    boxes: dict[str, Box]
    # Kommuner drawn with one shared outline (Ålesund and Haram): number -> all
    # the numbers sharing its outline, itself included.
    shared: dict[str, tuple[str, ...]]
    # The border between two fylker, keyed by both numbers: (a, b) -> open path.
    fylke_borders: dict[tuple[str, str], str]


@lru_cache(maxsize=1)
def kommune_shapes() -> KommuneShapes:
    """The outlines, parsed once per process."""
    return parse_shapes(SHAPES_FILE.read_text(encoding="utf-8"))


def parse_shapes(text: str) -> KommuneShapes:
    """The outlines from the file's text; ``ValueError`` if a path holds
    anything but path commands (the map puts them into pages unescaped)."""
    data = json.loads(text)
    paths: dict[str, str] = data["kommuner"]
    for number, d in paths.items():
        if not _PATH_TEXT.match(d):
            raise ValueError(f"kommune {number}: the outline holds more than path commands")
    borders: dict[tuple[str, str], str] = {}
    for pair, d in data.get("fylke_borders", {}).items():
        if not _PATH_TEXT.match(d):
            raise ValueError(f"fylke border {pair}: more than path commands")
        first, second = pair.split("-")
        borders[(first, second)] = d
    shared: dict[str, tuple[str, ...]] = {}
    for numbers in data["shared"]:
        for number in numbers:
            shared[number] = tuple(numbers)
    x, y, width, height = data["viewbox"]
    return KommuneShapes(
        viewbox=(x, y, width, height),
        paths=paths,
        boxes={number: path_box(d) for number, d in paths.items()},
        shared=shared,
        fylke_borders=borders,
    )
