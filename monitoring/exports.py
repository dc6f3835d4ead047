"""CSV files of the dashboard's tables, safe to open in a spreadsheet.

UTF-8 with a byte-order mark (Excel reads Norwegian letters right) and
semicolons as separators (what Excel expects with Norwegian settings). Text
starting with a character a spreadsheet would take as the start of a formula
gets a leading apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .selectors import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def escape_cell(value: Any) -> Any:
    """Numbers pass through; text that a spreadsheet could run gets a leading ``'``."""
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(table: Table) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([escape_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([escape_cell(c) for c in row])
    if table.total is not None:
        writer.writerow([escape_cell(c) for c in table.total])
    return buffer.getvalue()
