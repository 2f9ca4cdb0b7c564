"""A horizontal bar chart as SVG text, drawn on the server: no script, styled by attributes alone."""

from dataclasses import dataclass
from html import escape

BAR = 22
GAP = 8
LABEL_WIDTH = 190
CHART_WIDTH = 420
COLOUR = "#2e7d32"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float


def bar_chart(bars: list[Bar], unit: str = "", title: str = "", empty: str = "No data yet.") -> str:
    """An accessible SVG: one bar per item, longest bar = the largest value, each labelled with its value.

    Values below zero are drawn as zero. An empty list gives a small chart saying `empty`.
    """
    height = max(1, len(bars)) * (BAR + GAP) + GAP
    width = LABEL_WIDTH + CHART_WIDTH + 70
    top = max((bar.value for bar in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="bar-chart">',
        f"<title>{escape(title)}</title>",
    ]
    if not bars:
        parts.append(f'<text x="{GAP}" y="{BAR}" font-size="13" fill="#5c636a">{escape(empty)}</text>')
    for n, bar in enumerate(bars):
        y = GAP + n * (BAR + GAP)
        length = round(max(0.0, bar.value) / top * CHART_WIDTH, 1)
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR * 0.7:.1f}" font-size="13" text-anchor="end">'
            f"{escape(bar.label)}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" fill="{COLOUR}" rx="3"/>',
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR * 0.7:.1f}" font-size="13">'
            f"{bar.value:g}{escape(unit)}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)
