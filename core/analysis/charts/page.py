"""Draws an analysis result as an interactive plotly page (one HTML document) from a plain figure dict.

The figure is built as the dict plotly.js reads, so plotly's Python figure classes and their validation
are skipped; ``plotly.io.to_html`` writes the page. plotly.js is not inlined unless asked: the page
loads it from the URL given (the service's own copy, or a CDN). The chart's div id is fixed per
analysis, so the same request always gives the same bytes. This module is a leaf that
``core.analysis.service`` imports only when a page is asked for.
"""

from __future__ import annotations

import html
from typing import Any

import plotly.io as pio

from core.analysis.charts import (
    BAR_WIDTH_DAYS,
    NEGATIVE,
    POSITIVE,
    Chart,
    drawn,
    facet_grid,
    user_colour,
    wrapped_title,
    x_label,
)

GRID = "#ebebeb"
MARKERS_UP_TO = 40
MS_PER_DAY = 86_400_000
CONFIG = {"displaylogo": False, "responsive": True}


def _axis(title: str | None = None, **extra: Any) -> dict[str, Any]:
    axis: dict[str, Any] = {"gridcolor": GRID, "zeroline": False, **extra}
    if title:
        axis["title"] = {"text": title}
    return axis


def _hover(chart: Chart, user: str) -> str:
    lines = [f"{chart.measure} %{{y}}"] + [f"{m} %{{customdata[{i}]}}" for i, m in enumerate(chart.hover)]
    return "%{x|%Y-%m-%d}<br>" + "<br>".join(lines) + f"<extra>@{user}</extra>"


def _customdata(chart: Chart, series: dict[str, Any]) -> list[list[int]]:
    return [list(row) for row in zip(*(series[m] for m in chart.hover), strict=True)] if chart.hover else []


def _lines(chart: Chart, result: dict[str, Any], unit: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    traces = []
    for i, series in enumerate(result["series"]):
        trace = {
            "type": "scatter",
            "mode": "lines+markers" if len(series["dates"]) <= MARKERS_UP_TO else "lines",
            "name": "@" + series["user"],
            "x": series["dates"],
            "y": series[chart.measure],
            "line": {"color": user_colour(i), "width": 1.5},
            "hovertemplate": _hover(chart, series["user"]),
        }
        if chart.hover:
            trace["customdata"] = _customdata(chart, series)
        traces.append(trace)
    layout = {
        "xaxis": _axis(x_label(unit), type="date"),
        "yaxis": _axis(chart.y_label, rangemode="tozero"),
        "legend": {"title": {"text": "account"}},
        "showlegend": True,
    }
    return traces, layout


def _bars(chart: Chart, result: dict[str, Any], unit: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    series_list = result["series"]
    rows, columns = facet_grid(len(series_list))
    width = BAR_WIDTH_DAYS.get(unit, 0.9) * MS_PER_DAY  # fixed: plotly would size a lone bar to a sliver
    traces: list[dict[str, Any]] = []
    layout: dict[str, Any] = {
        "grid": {"rows": rows, "columns": columns, "pattern": "independent", "roworder": "top to bottom"},
        "showlegend": False,
        "annotations": [],
        "bargap": 0.1,
    }
    for i, series in enumerate(series_list):
        suffix = "" if i == 0 else str(i + 1)
        values = series[chart.measure]
        traces.append(
            {
                "type": "bar",
                "name": "@" + series["user"],
                "x": series["dates"],
                "y": values,
                "xaxis": "x" + suffix,
                "yaxis": "y" + suffix,
                "marker": {"color": [POSITIVE if v >= 0 else NEGATIVE for v in values]},
                "width": width,
                "customdata": _customdata(chart, series),
                "hovertemplate": _hover(chart, series["user"]),
            }
        )
        bottom, left = i + columns >= len(series_list), i % columns == 0
        matches = {"matches": "x"} if i else {}
        span = {"range": [series["first_tweet"][:10], series["last_tweet"][:10]]} if not values else {}
        layout["xaxis" + suffix] = _axis(x_label(unit) if bottom else None, type="date", **matches, **span)
        y_title = chart.y_label if left and rows == 1 else None
        layout["yaxis" + suffix] = _axis(y_title, **({"matches": "y"} if i else {}))
        totals = ", ".join(f"{sum(series[m])} {m}" for m in chart.hover)
        layout["annotations"].append(
            {
                "text": f"@{series['user']}" + (f" ({totals})" if totals else ""),
                "xref": f"x{suffix} domain",
                "yref": f"y{suffix} domain",
                "x": 0.5,
                "y": 1.0,
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    if rows > 1:  # one label for the whole grid, as in the PNG
        layout["annotations"].append(
            {
                "text": chart.y_label,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "xshift": -50,
                "y": 0.5,
                "textangle": -90,
                "showarrow": False,
            }
        )
    return traces, layout


def figure(chart: Chart, result: dict[str, Any]) -> dict[str, Any]:
    """The plotly figure (``{"data", "layout"}``) for the result, as ``chart`` declares it."""
    result = drawn(chart, result)
    unit = str(result.get("parameters", {}).get("unit", "day"))
    traces, layout = (_lines if chart.kind == "lines" else _bars)(chart, result, unit)
    layout.update(
        title={"text": wrapped_title(result["title"]).replace("\n", "<br>"), "x": 0.01},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hovermode="closest",
    )
    return {"data": traces, "layout": layout}


def render(chart: Chart, result: dict[str, Any], *, plotly_js: str | bool) -> str:
    """A full HTML page with the chart; ``plotly_js`` is plotly.js's URL (ending ``.js``) or ``True`` to inline it."""
    page: str = pio.to_html(
        figure(chart, result),
        config=CONFIG,
        include_plotlyjs=plotly_js,
        full_html=True,
        validate=False,
        div_id=f"{result['analysis']}-chart",
    )
    return page.replace("<head>", f"<head>\n    <title>{html.escape(result['title'])}</title>", 1)
