"""The declaration an analysis module makes: its name, its own parameters, what it computes and how to draw it.

An analysis is one module in ``core/analysis/analyses/`` that defines ``SPEC = AnalysisSpec(...)``. The registry
finds it; the routes (``/{name}`` PNG, ``/html/{name}``, ``/api/{name}``), their OpenAPI parameters and
the emulator all read the spec, so adding an analysis edits nothing else. An analysis works on one
account's tweets at a time and returns plain numbers per period; ``core.analysis.service`` does the rest
(parsing the request, fetching the tweets, titles, JSON, charts). Importing a spec must stay cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from core.analysis.charts import Chart
from core.analysis.tweets.types import Tweet


@dataclass(frozen=True)
class Choice:
    """An analysis's own query parameter, whose value is one word of a short list."""

    name: str
    choices: tuple[str, ...]
    default: str
    description: str


@dataclass(frozen=True)
class Table:
    """One account's result: the first day of each period (ISO dates, ascending) and each measure's values."""

    dates: list[str]
    values: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class AnalysisSpec:
    """Everything the service needs to know about one analysis, declared in one place."""

    name: str
    title: str
    """What the chart shows; ``{unit}`` is replaced by the request's period (e.g. "Tweets per {unit}")."""
    description: str
    measures: tuple[str, ...]
    """The names of the numbers given per period, in the order the JSON lists them."""
    compute: Callable[[Sequence[Tweet], Mapping[str, str]], Table]
    """One account's tweets (oldest first) and the request's own parameters -> that account's table."""
    chart: Chart
    parameters: tuple[Choice, ...] = ()
