"""The server-drawn bar chart (pure): labels fit their column, however long."""

import re

import pytest

from wellness.charts import LABEL_WIDTH, MAX_LABEL_WIDTH, Bar, bar_chart

pytestmark = pytest.mark.pure


def columns(svg: str) -> tuple[float, list[str], list[str]]:
    """(where the bars start, the labels shown, their tooltips)."""
    [start] = set(re.findall(r'<rect x="([\d.]+)"', svg))
    shown = re.findall(r'text-anchor="end">(?:<title>[^<]*</title>)?([^<]*)</text>', svg)
    tips = re.findall(r"<text[^>]*text-anchor=\"end\"><title>([^<]*)</title>", svg)
    return float(start), shown, tips


def test_short_labels_keep_the_usual_column():
    start, shown, tips = columns(bar_chart([Bar("Ada Quill", 2), Bar("Ben Ramos", 1)]))
    assert (start, shown, tips) == (LABEL_WIDTH, ["Ada Quill", "Ben Ramos"], [])


def test_a_long_label_widens_the_column_so_it_is_shown_whole():
    label = "Christopher Montgomery (Categorical PGY-2)"
    start, shown, _ = columns(bar_chart([Bar(label, 3), Bar("Ada Quill", 1)]))
    assert LABEL_WIDTH < start <= MAX_LABEL_WIDTH
    assert shown == [label, "Ada Quill"]
    assert len(label) * 7 < start  # room for the text at 13 px


def test_a_label_too_long_for_any_column_is_cut_and_whole_in_its_tooltip():
    label = "A" * 200
    start, [shown], [tip] = columns(bar_chart([Bar(label, 1)]))
    assert start == MAX_LABEL_WIDTH
    assert shown.endswith("…") and len(shown) < 50
    assert tip == label
