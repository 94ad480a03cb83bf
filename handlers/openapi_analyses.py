"""OpenAPI fragments for the analysis routes, generated from each analysis's spec and the configured limits."""

from __future__ import annotations

from typing import Any

from core.analysis.service import DEFAULT_N, HANDLE, Limits, Output
from core.analysis.spec import AnalysisSpec

SPACE = r"[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
"""The characters ``str.strip()`` removes (``str.isspace``), spelled out: ``\\s`` means another set in each
regex engine (Python's has ``\\x1c``-``\\x1f``, ECMA's and Rust's do not), and the parser strips these."""


def handles_pattern(max_users: int) -> str:
    """1 to ``max_users`` comma-separated handles, each with an optional ``@`` and spaces around it.

    What ``core.analysis.service.parse_users`` accepts, except that it also takes more than ``max_users``
    handles when repeats (ignoring case) bring them down to ``max_users``, which no pattern can count.
    """
    handle = f"{SPACE}*@?{HANDLE.pattern}{SPACE}*"
    return f"^{handle}(,{handle}){{0,{max_users - 1}}}$"


def parameters(spec: AnalysisSpec, limits: Limits, output: Output) -> list[dict[str, Any]]:
    """``users``, ``n``, the analysis's own parameters and, for the HTML page, ``standalone``."""
    params: list[dict[str, Any]] = [
        {
            "name": "users",
            "in": "query",
            "required": True,
            "description": f"1 to {limits.max_users} comma-separated X handles (letters, digits, _; at most 15)",
            "schema": {"type": "string", "pattern": handles_pattern(limits.max_users)},
            "example": "realDonaldTrump",
        },
        {
            "name": "n",
            "in": "query",
            "required": False,
            "description": "how many of each account's latest tweets to analyse",
            "schema": {"type": "integer", "minimum": 1, "maximum": limits.max_tweets, "default": DEFAULT_N},
        },
    ]
    params += [
        {
            "name": c.name,
            "in": "query",
            "required": False,
            "description": c.description,
            "schema": {"type": "string", "enum": list(c.choices), "default": c.default},
        }
        for c in spec.parameters
    ]
    if output == "html":
        params.append(
            {
                "name": "standalone",
                "in": "query",
                "required": False,
                "description": "inline plotly.js (about 4.8 MB) so the page works offline",
                "schema": {"type": "boolean", "default": False},
            }
        )
    return params


def result_schema(spec: AnalysisSpec) -> dict[str, Any]:
    """The JSON answer: one series per account, a value per period for each of the spec's measures."""
    numbers = {"type": "array", "items": {"type": "integer"}}
    series = {
        "type": "object",
        "required": ["user", "tweets_analyzed", "first_tweet", "last_tweet", "dates", *spec.measures],
        "properties": {
            "user": {"type": "string"},
            "tweets_analyzed": {"type": "integer"},
            "first_tweet": {"type": "string", "format": "date-time"},
            "last_tweet": {"type": "string", "format": "date-time"},
            "dates": {"type": "array", "items": {"type": "string", "format": "date"}},
            **{m: numbers for m in spec.measures},
        },
    }
    return {
        "type": "object",
        "required": ["analysis", "title", "n", "parameters", "measures", "series"],
        "properties": {
            "analysis": {"type": "string", "enum": [spec.name]},
            "title": {"type": "string"},
            "n": {"type": "integer"},
            "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
            "measures": {"type": "array", "items": {"type": "string"}},
            "series": {"type": "array", "items": series},
        },
    }


def ok(media_type: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"200": {"description": description, "content": {media_type: {"schema": schema}}}}
