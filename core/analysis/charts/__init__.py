"""Charts of an analysis result: ``png`` (matplotlib) and ``page`` (plotly HTML), leaves imported only when drawn.

Both read the same JSON-able result that ``core.analysis.service.analyze`` returns and the analysis's declared
``Chart``; nothing here knows a particular analysis. ``plotlyjs`` serves the plotly.js the HTML loads.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Literal

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
