"""The analysis use cases every adapter calls: parse the query, fetch the tweets, compute, answer JSON or a chart.

The query is parsed here, not in the routes, so every platform refuses the same input with the same
``InvalidInputError`` naming the field. Charts are drawn by leaf modules imported only when asked for
(matplotlib for PNG, plotly for HTML), so the JSON route and the rest of the service never load them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from core.analysis.registry import analysis_spec
from core.analysis.spec import AnalysisSpec, Choice
from core.analysis.tweets.types import Tweet, TweetSource
from core.errors import InvalidInputError, UnknownAccountError

logger = logging.getLogger(__name__)

Output = Literal["png", "html", "json"]

DEFAULT_N = 400
HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")
"""An X handle, as X allows them; a leading ``@`` is accepted and dropped."""
_WHOLE = re.compile(r"[0-9]{1,9}")
_FLAGS = {"": True, "1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


DRAWING_THREADS = 2
"""Charts are drawn on this many threads of their own, whichever thread asked. Drawing is CPU-bound under
the GIL, so more threads would add memory (a figure each, and a malloc arena per thread that keeps what
it once held) but no speed; further requests wait their turn."""
_drawing = ThreadPoolExecutor(max_workers=DRAWING_THREADS, thread_name_prefix="chart")


@dataclass(frozen=True)
class Limits:
    """What one request may ask for; the service reads them from ``MAX_USERS`` and ``MAX_TWEETS``."""

    max_users: int = 10
    max_tweets: int = 3200


@dataclass(frozen=True)
class AnalysisRequest:
    """A parsed, checked request: the accounts (in order, without repeats), ``n`` and the analysis's options."""

    users: tuple[str, ...]
    n: int
    options: dict[str, str] = field(default_factory=dict)
    standalone: bool = False


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def _single(query: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = query.get(name, ())
    if len(values) > 1:
        raise InvalidInputError(f"parameter {name!r} is given {len(values)} times; give it once", field=name)
    return values[0].strip() if values else None


def parse_users(values: Sequence[str], max_users: int) -> tuple[str, ...]:
    """Comma-separated handles (the parameter may also repeat), without repeats, case-insensitively."""
    handles = [part.strip().removeprefix("@") for value in values for part in value.split(",")]
    if not values or handles == [""]:
        raise InvalidInputError(f"users is required: 1 to {max_users} comma-separated X handles", field="users")
    seen: dict[str, str] = {}
    for handle in handles:
        if not HANDLE.fullmatch(handle):
            raise InvalidInputError(
                f"users: {_shown(handle)} is not an X handle (1 to 15 letters, digits or _)", field="users"
            )
        seen.setdefault(handle.casefold(), handle)
    if len(seen) > max_users:
        raise InvalidInputError(f"users: {len(seen)} accounts given; at most {max_users} per request", field="users")
    return tuple(seen.values())


def parse_n(value: str | None, max_tweets: int) -> int:
    """The number of latest tweets per account: a whole number from 1 to ``max_tweets`` (default 400)."""
    if value is None:
        return min(DEFAULT_N, max_tweets)
    if not _WHOLE.fullmatch(value) or not 1 <= int(value) <= max_tweets:
        raise InvalidInputError(f"n must be a whole number from 1 to {max_tweets}, got {_shown(value)}", field="n")
    return int(value)


def _choice(choice: Choice, value: str | None) -> str:
    if value is None:
        return choice.default
    if value not in choice.choices:
        raise InvalidInputError(
            f"{choice.name} must be one of {', '.join(choice.choices)}; got {_shown(value)}", field=choice.name
        )
    return value


def _flag(name: str, value: str | None) -> bool:
    if value is None:
        return False
    if value.lower() not in _FLAGS:
        raise InvalidInputError(f"{name} must be true or false, got {_shown(value)}", field=name)
    return _FLAGS[value.lower()]


def parameter_names(spec: AnalysisSpec, output: Output) -> tuple[str, ...]:
    """The query parameters a route of this analysis reads; any other is refused."""
    own = tuple(c.name for c in spec.parameters)
    return ("users", "n", *own, *(("standalone",) if output == "html" else ()))


def parse_request(
    spec: AnalysisSpec, query: Mapping[str, Sequence[str]], limits: Limits, output: Output = "json"
) -> AnalysisRequest:
    """Check every parameter, naming the field of the first that is wrong.

    Raises
    ------
    InvalidInputError
        for an unknown or repeated parameter, a bad handle, too many accounts, ``n`` out of range, or an
        option not in its list.
    """
    known = parameter_names(spec, output)
    for name in query:
        if name not in known:
            raise InvalidInputError(f"unknown parameter {_shown(name)}; expected: {', '.join(known)}", field=name)
    return AnalysisRequest(
        users=parse_users(query.get("users", ()), limits.max_users),
        n=parse_n(_single(query, "n"), limits.max_tweets),
        options={c.name: _choice(c, _single(query, c.name)) for c in spec.parameters},
        standalone=_flag("standalone", _single(query, "standalone")),
    )


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fetch(source: TweetSource, request: AnalysisRequest, deadline: float | None) -> dict[str, list[Tweet]]:
    tweets = source.fetch(list(request.users), request.n, deadline=deadline)
    for user in request.users:
        if not tweets.get(user):
            raise UnknownAccountError(f"no tweets of account {user!r} in the {source.name} tweets", field="users")
    return tweets


def title(spec: AnalysisSpec, request: AnalysisRequest, counts: Sequence[int]) -> str:
    """E.g. "Tweets per day, last 400 tweets of @a, @b" ("up to 400" when an account has fewer)."""
    what = spec.title.format(unit=request.options.get("unit", "day"))
    up_to = "up to " if any(count < request.n for count in counts) else ""
    return f"{what}, last {up_to}{request.n} tweets of {', '.join('@' + u for u in request.users)}"


def analyze(
    spec: AnalysisSpec, request: AnalysisRequest, source: TweetSource, *, deadline: float | None = None
) -> dict[str, Any]:
    """The analysis of each account's last ``n`` tweets, as plain JSON-able values, one series per account.

    Raises
    ------
    UnknownAccountError
        naming an account without tweets; the source's ``UpstreamError`` subclasses pass through.
    """
    fetched = _fetch(source, request, deadline)
    series: list[dict[str, Any]] = []
    for user in request.users:
        tweets = fetched[user]
        table = spec.compute(tweets, request.options)
        series.append(
            {
                "user": tweets[-1].screen_name,
                "tweets_analyzed": len(tweets),
                "first_tweet": _iso(tweets[0].created_at),
                "last_tweet": _iso(tweets[-1].created_at),
                "dates": table.dates,
                **{m: table.values[m] for m in spec.measures},
            }
        )
    logger.info("analysis %s: %d accounts, n=%d, source %s", spec.name, len(series), request.n, source.name)
    return {
        "analysis": spec.name,
        "title": title(spec, request, [s["tweets_analyzed"] for s in series]),
        "n": request.n,
        "parameters": dict(request.options),
        "measures": list(spec.measures),
        "series": series,
    }


def run(
    name: str, query: Mapping[str, Sequence[str]], source: TweetSource, limits: Limits, *, deadline: float | None = None
) -> dict[str, Any]:
    """``GET /api/{name}``: parse, fetch, compute; the JSON result."""
    spec = analysis_spec(name)
    return analyze(spec, parse_request(spec, query, limits, "json"), source, deadline=deadline)


def png_chart(
    name: str, query: Mapping[str, Sequence[str]], source: TweetSource, limits: Limits, *, deadline: float | None = None
) -> bytes:
    """``GET /{name}``: the chart as an 800x450 PNG (matplotlib, loaded on first use)."""
    spec = analysis_spec(name)
    result = analyze(spec, parse_request(spec, query, limits, "png"), source, deadline=deadline)
    from core.analysis.charts import png

    return _drawing.submit(png.render, spec.chart, result).result()


def html_chart(
    name: str,
    query: Mapping[str, Sequence[str]],
    source: TweetSource,
    limits: Limits,
    *,
    plotly_js: str,
    deadline: float | None = None,
) -> str:
    """``GET /html/{name}``: an interactive plotly page loading plotly.js from ``plotly_js`` (a URL).

    With ``standalone=true`` plotly.js is inlined instead (about 4.8 MB), for a file that works offline.
    """
    spec = analysis_spec(name)
    request = parse_request(spec, query, limits, "html")
    result = analyze(spec, request, source, deadline=deadline)
    from core.analysis.charts import page

    script: str | bool = True if request.standalone else plotly_js
    return _drawing.submit(page.render, spec.chart, result, plotly_js=script).result()
