"""The inline SVG charts: accessible, escaped, proportional."""

from __future__ import annotations

import re

from hocbaso.rollout.charts import (
    LABEL_WIDTH,
    VALUE_WIDTH,
    WIDTH,
    Group,
    Series,
    bar_chart,
)


def _chart() -> str:
    return str(
        bar_chart(
            "Tiến độ <đợt>",
            "3 of 4 accepted",
            [Series("accepted", "Accepted"), Series("locked", "Locked")],
            [
                Group("Trường <A> & B", ((3, 4), (1, 4))),
                Group("Trường C", ((0, 0), (0, 0))),
            ],
        )
    )


def test_a_chart_is_an_image_named_by_its_title_and_description():
    svg = _chart()

    opening = re.match(r"<svg [^>]*>", svg).group(0)
    assert 'role="img"' in opening
    title_id, desc_id = re.search(r'aria-labelledby="([^"]+)"', opening)[1].split()
    assert f'<title id="{title_id}">Tiến độ &lt;đợt&gt;</title>' in svg
    assert f'<desc id="{desc_id}">3 of 4 accepted</desc>' in svg
    assert "<script" not in svg and "<đợt>" not in svg


def test_each_bar_is_a_share_with_its_figure_as_text():
    svg = _chart()

    widths = [
        float(w)
        for w in re.findall(r'class="chart-accepted"[^>]* width="([\d.]+)"', svg)
    ]
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    assert widths == [round(area * 3 / 4, 1), 0.0]
    assert "<title>Trường &lt;A&gt; &amp; B · Accepted: 3/4 (75%)</title>" in svg
    values = re.findall(r'class="chart-value"[^>]*>([^<]+)</text>', svg)
    assert values == ["3/4 · 75%", "1/4 · 25%", "0/0 · –", "0/0 · –"]
