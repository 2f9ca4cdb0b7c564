"""A horizontal bar chart as SVG text, drawn on the server: no script, styled by attributes alone."""

from dataclasses import dataclass
from html import escape

BAR = 22
GAP = 8
LABEL_WIDTH = 190  # at least; wider for longer labels, up to MAX_LABEL_WIDTH
MAX_LABEL_WIDTH = 340
CHARACTER_WIDTH = 7.5  # a generous average for 13 px sans-serif text
CHART_WIDTH = 420
COLOUR = "#2e7d32"


@dataclass(frozen=True)
class Bar:
    """One bar; `limit` (optional) is drawn as a mark across the bar's row, e.g. a coach's capacity."""

    label: str
    value: float
    limit: float | None = None


def bar_chart(bars: list[Bar], unit: str = "", title: str = "", empty: str = "No data yet.") -> str:
    """An accessible SVG: one bar per item, longest bar = the largest value, each labelled with its value.

    Values below zero are drawn as zero. An empty list gives a small chart saying `empty`. A bar with a
    limit is labelled "value / limit" and the scale reaches the largest limit too. The labels' column
    widens for long labels; one too long even then is cut with an ellipsis, whole in its tooltip.
    """
    height = max(1, len(bars)) * (BAR + GAP) + GAP
    longest = max((len(bar.label) for bar in bars), default=0)
    label_width = round(min(MAX_LABEL_WIDTH, max(LABEL_WIDTH, longest * CHARACTER_WIDTH + 16)))
    fits = int((label_width - 16) / CHARACTER_WIDTH)
    width = label_width + CHART_WIDTH + 70
    top = max((max(bar.value, bar.limit or 0) for bar in bars), default=0) or 1
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
        shown = escape(bar.label)
        if len(bar.label) > fits:
            shown = f"<title>{shown}</title>{escape(bar.label[: fits - 1].rstrip())}…"
        parts += [
            f'<text x="{label_width - 8}" y="{y + BAR * 0.7:.1f}" font-size="13" text-anchor="end">{shown}</text>',
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{BAR}" fill="{COLOUR}" rx="3"/>',
        ]
        label = f"{bar.value:g}{escape(unit)}"
        if bar.limit is not None:
            mark = round(max(0.0, bar.limit) / top * CHART_WIDTH, 1)
            parts.append(
                f'<line x1="{label_width + mark}" x2="{label_width + mark}" y1="{y - 2}" y2="{y + BAR + 2}" '
                'stroke="#212529" stroke-width="2"/>'
            )
            label = f"{bar.value:g} / {bar.limit:g}{escape(unit)}"
            length = max(length, mark)
        parts.append(
            f'<text x="{label_width + length + 6}" y="{y + BAR * 0.7:.1f}" font-size="13">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
