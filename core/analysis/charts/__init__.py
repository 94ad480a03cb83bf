"""Charts of an analysis result: ``png`` (matplotlib) and ``page`` (plotly HTML), leaves imported only when drawn.

Both read the same JSON-able result that ``core.analysis.service.analyze`` returns and the analysis's declared
``Chart``; nothing here knows a particular analysis. ``plotlyjs`` serves the plotly.js the HTML loads.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from typing import Any, Literal

ChartKind = Literal["lines", "bars"]


@dataclass(frozen=True)
class Chart:
    """How every renderer (matplotlib PNG, plotly HTML) draws the analysis: declared, not coded, per analysis.

    ``lines`` draws ``measure`` over time with one colour per account in one panel; ``bars`` draws it
    as one bar per period in one panel per account (R's ``facet_wrap``), coloured by sign.
    """

    kind: ChartKind
    measure: str
    y_label: str
    hover: tuple[str, ...] = ()
    """Further measures shown beside ``measure`` when pointing at a period, and totalled in each panel's title."""
    absent_is_zero: bool = False
    """A period the result leaves out (between an account's first and last) is drawn as 0: true of counts.

    The JSON keeps listing only the periods it has (R's ``count`` does, and its answers are the reference);
    the charts fill the others in, so a line drops to zero on a day without tweets instead of running
    straight across it."""


UNIT_LABELS = {"day": "day (UTC)", "week": "week (UTC, from Monday)", "month": "month (UTC)"}
POSITIVE = "#00BFC4"
NEGATIVE = "#F8766D"
"""ggplot's first two hues, as in the R service's sentiment chart."""
USER_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
"""One colour per account (matplotlib's tab10, which plotly's default palette also is); reused past ten."""


def user_colour(index: int) -> str:
    return USER_COLOURS[index % len(USER_COLOURS)]


def x_label(unit: str) -> str:
    return UNIT_LABELS.get(unit, unit)


def wrapped_title(title: str, width: int = 90) -> str:
    """The title on as many lines as it needs to stay inside an 800-pixel-wide chart."""
    return "\n".join(textwrap.wrap(title, width=width))


def facet_grid(count: int) -> tuple[int, int]:
    """Rows and columns for ``count`` panels, as ggplot's ``facet_wrap`` lays them out."""
    columns = 1
    while columns * columns < count:
        columns += 1
    rows = -(-count // columns)
    return rows, columns


BAR_WIDTH_DAYS = {"day": 0.9, "week": 6.0, "month": 26.0}
"""Bar widths along a date axis, in days, for each period."""


def _next_start(day: dt.date, unit: str) -> dt.date:
    """The first day of the period after the one starting on ``day``."""
    if unit == "month":
        return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return day + dt.timedelta(days=7 if unit == "week" else 1)


def _every_period(first: str, last: str, unit: str) -> list[str]:
    day, end, starts = dt.date.fromisoformat(first), dt.date.fromisoformat(last), []
    while day <= end:
        starts.append(day.isoformat())
        day = _next_start(day, unit)
    return starts


def drawn(chart: Chart, result: dict[str, Any]) -> dict[str, Any]:
    """The result as the charts draw it: when ``chart.absent_is_zero``, each series lists every period from
    its first to its last, the ones the result left out at 0 in every measure drawn; otherwise unchanged.

    ``result`` itself is not modified (a caller may still send it as JSON).
    """
    if not chart.absent_is_zero:
        return result
    unit = str(result.get("parameters", {}).get("unit", "day"))
    measures = (chart.measure, *chart.hover)
    series_list = []
    for series in result["series"]:
        dates = series["dates"]
        every = _every_period(dates[0], dates[-1], unit) if dates else []
        if len(every) == len(dates):
            series_list.append(series)
            continue
        at = {date: i for i, date in enumerate(dates)}
        filled = {m: [series[m][at[d]] if d in at else 0 for d in every] for m in measures}
        series_list.append({**series, "dates": every, **filled})
    return {**result, "series": series_list}
