"""The shipped CSV files themselves: shape and consistency, without a database."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "places" / "data"


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_headers_and_keys_are_unique():
    fylker, kommuner, postal = read("fylker.csv"), read("kommuner.csv"), read("postnummer.csv")
    assert list(fylker[0]) == ["number", "name"]
    assert list(postal[0]) == ["code", "place", "kommune"]
    assert len({row["number"] for row in fylker}) == len(fylker) == 15
    assert len({row["number"] for row in kommuner}) == len(kommuner) == 357
    assert len({row["code"] for row in postal}) == len(postal)


def test_references_resolve_and_numbers_match_their_fylke():
    fylker = {row["number"] for row in read("fylker.csv")}
    kommuner = read("kommuner.csv")
    for row in kommuner:
        assert row["fylke"] in fylker
        assert row["number"][:2] == row["fylke"]
        assert row["point_source"] in {"town", "centroid", "interior"}
    numbers = {row["number"] for row in kommuner}
    assert all(row["kommune"] in numbers for row in read("postnummer.csv"))
