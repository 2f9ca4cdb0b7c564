"""CSV exports that spreadsheets open safely: no cell is ever run as a formula (CSV injection)."""

import csv
import io
from collections.abc import Iterable


def safe_cell(value) -> str:
    """The value as text; a leading =, +, - or @ (or tab, carriage return) gets a ' so it stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """A CSV document with `header` and every cell of `rows` made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(safe_cell(value) for value in row)
    return out.getvalue()
