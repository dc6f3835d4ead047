"""The small pieces: the "<3" rule, CSV escaping, the SVG charts."""

from __future__ import annotations

import pytest

from monitoring.charts import bar_chart, describe
from monitoring.exports import BOM, escape_cell, table_csv
from monitoring.selectors import Table
from monitoring.suppression import people, people_total


@pytest.mark.parametrize(
    ("published", "raw", "shown"),
    [(0, 0, 0), (0, 1, "<3"), (0, 2, "<3"), (0, 7, "<3"), (3, 3, 3), (5, 7, 5)],
)
def test_people_counts_below_three_are_never_shown(published, raw, shown):
    assert people(published=published, raw=raw) == shown


def test_totals_add_published_cells_only():
    assert people_total([(0, 2), (4, 4), (0, 1)]) == 4
    assert people_total([(0, 2), (0, 2)]) == "<3"
    assert people_total([]) == 0


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_escapes_formula_starts(start):
    assert escape_cell(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"


def test_csv_leaves_numbers_and_plain_text_alone():
    assert escape_cell(12) == 12
    assert escape_cell("Tirsdagsgruppa") == "Tirsdagsgruppa"
    assert escape_cell("<3") == "<3"
    content = table_csv(
        Table(key="t", caption="c", columns=["Navn", "Antall"], rows=[["=1+1", 4]], total=None)
    )
    assert content.startswith(BOM)
    assert content[1:].splitlines() == ["Navn;Antall", "'=1+1;4"]


def test_charts_are_images_with_text_alternatives_and_no_inline_style():
    svg = bar_chart(
        chart_id="c1",
        title="Grupper <etter> status",
        description=describe(["Starter", "Selvgående"], [4, "<3"]),
        labels=["Starter", "Selvgående"],
        values=[4, "<3"],
    )
    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Grupper &lt;etter&gt; status</title>' in svg
    assert "Starter: 4, Selvgående: &lt;3" in svg
    assert "style=" not in svg and "<script" not in svg
    # "<3" draws no bar but keeps its label.
    assert 'width="0.0"' in svg and "&lt;3</text>" in svg
