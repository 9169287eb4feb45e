"""Horizontal bar charts as inline SVG, drawn on the server (no script, no CDN).

Each chart is an image with a title and a description for screen readers
(``role="img"`` and ``aria-labelledby``); every bar carries its figure as a
tooltip and as text beside it, and the page's table holds the same figures.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 760
LABEL_WIDTH = 250
VALUE_WIDTH = 120
BAR_HEIGHT = 11
BAR_GAP = 2
GROUP_GAP = 10
TOP = 6
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    key: str  # CSS class of the bars: chart-<key>
    label: str


@dataclass(frozen=True)
class Group:
    label: str
    values: tuple[tuple[int, int], ...]  # (count, out of) per series


def _percent(count: int, out_of: int) -> str:
    return f"{round(100 * count / out_of)}%" if out_of else "–"


def bar_chart(
    title: str, description: str, series: list[Series], groups: list[Group]
) -> SafeString:
    """An SVG of ``groups``, one thin bar per series, each as a share of its total."""
    chart_id = f"chart-{next(_ids)}"
    bar_area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    height = TOP + max(1, len(groups)) * group_height
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for n, group in enumerate(groups):
        y = TOP + n * group_height
        middle = y + len(series) * (BAR_HEIGHT + BAR_GAP) / 2 + 3
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{middle:.1f}" '
            f'text-anchor="end">{escape(_short(group.label))}</text>'
        )
        for i, (one, (count, out_of)) in enumerate(
            zip(series, group.values, strict=True)
        ):
            parts.append(
                _bar(
                    one,
                    group.label,
                    count,
                    out_of,
                    y + i * (BAR_HEIGHT + BAR_GAP),
                    bar_area,
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _bar(series: Series, group: str, count: int, out_of: int, y: float, area: int):
    length = area * count / out_of if out_of else 0
    text = f"{group} · {series.label}: {count}/{out_of} ({_percent(count, out_of)})"
    return (
        f'<rect class="chart-track" x="{LABEL_WIDTH}" y="{y}" width="{area}" '
        f'height="{BAR_HEIGHT}"/>'
        f'<rect class="chart-{escape(series.key)}" x="{LABEL_WIDTH}" y="{y}" '
        f'width="{length:.1f}" height="{BAR_HEIGHT}">'
        f"<title>{escape(text)}</title></rect>"
        f'<text class="chart-value" x="{LABEL_WIDTH + area + 6}" '
        f'y="{y + BAR_HEIGHT - 2}">'
        f"{count}/{out_of} · {_percent(count, out_of)}</text>"
    )


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
