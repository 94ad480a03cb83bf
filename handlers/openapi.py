"""OpenAPI fragments generated from the model specs, so each model's parameters and bodies are documented.

The routes read the raw request (parsing is the core's job, so every platform answers alike), which
hides their inputs from FastAPI; these fragments put them back into ``/openapi.json``.
"""

from __future__ import annotations

import re
from typing import Any

from core.prediction.features import LARGEST
from core.prediction.spec import Feature, ModelSpec

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "message"],
            "properties": {"type": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}},
        }
    },
}


def error_responses(*statuses: int) -> dict[str, Any]:
    reasons = {
        400: "Malformed body",
        401: "Missing or wrong API key",
        404: "Not found",
        405: "Method not allowed",
        413: "Too large: body, rows or another limit",
        415: "Unsupported content type",
        422: "Invalid input: the error names the field and the reason",
        429: "Rate limited upstream",
        502: "Upstream failed",
        503: "Model unavailable",
        504: "Deadline exceeded",
    }
    return {
        str(s): {"description": reasons[s], "content": {"application/json": {"schema": ERROR_SCHEMA}}} for s in statuses
    }


def _feature_schema(feature: Feature, *, nullable: bool = False) -> dict[str, Any]:
    """One value as ``core.prediction.features`` accepts it: finite, within ``LARGEST``, of the feature's kind;
    a category's string (one of its categories unless unknown ones are accepted); ``null`` in JSON where the
    model handles a missing value (``nullable``)."""
    schema: dict[str, Any]
    if feature.kind == "category":
        schema = {"type": "string"} if nullable or feature.missing else {"type": "string", "minLength": 1}
        if not feature.unknown:
            schema["enum"] = list(feature.categories)
    elif feature.kind == "binary":
        schema = {"type": "integer", "enum": [0, 1]}
    else:
        kind = "integer" if feature.kind == "integer" else "number"
        schema = {"type": kind, "minimum": -LARGEST, "maximum": LARGEST}
        if feature.categories and not feature.unknown:
            schema = {"type": kind, "enum": list(feature.categories)}
    if nullable and feature.missing:
        return {"anyOf": [schema, {"type": "null"}]}
    if feature.missing and "enum" in schema:  # a query value: empty means missing
        return {**schema, "enum": [*schema["enum"], ""]} if schema["type"] == "string" else _or_empty(schema)
    if feature.missing and schema["type"] != "string":
        return _or_empty(schema)
    return schema


def _or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "string", "enum": [""]}]}


def _described(feature: Feature) -> str:
    """A feature's description for the docs: its own words, its kind, its categories, whether it may be missing."""
    words = f"{feature.description} ({feature.kind})".strip()
    if feature.categories:
        known = ", ".join(map(str, feature.categories))
        words += f"; known values: {known}" + ("; other values are accepted" if feature.unknown else "")
    if feature.missing:
        words += "; may be missing (empty here, null in JSON)"
    return words


def query_parameters(spec: ModelSpec) -> list[dict[str, Any]]:
    """One value per feature: the schema documents one row.

    Several rows (every parameter repeated equally often, or given once to apply to every row) are
    accepted too, but a schema cannot say "equally often" across parameters: documented as arrays,
    schemathesis rightly found requests valid by the schema (unequal counts) that the service refuses.
    The description says it instead; ``POST .../predict`` is the documented way to send a batch.
    """
    return [
        {
            "name": f.name,
            "in": "query",
            "required": True,
            "description": f"{_described(f)}. For several rows, repeat every parameter equally "
            "often (one given once applies to every row), or POST a batch to /models/{name}/predict.",
            "schema": _feature_schema(f),
        }
        for f in spec.features
    ]


def answer_schema(spec: ModelSpec, *, batch: bool) -> dict[str, Any]:
    labels = list(spec.classes or spec.labels)
    answer: dict[str, Any] = {"type": "number"}
    if spec.is_classifier:  # imported classes keep their own types (numbers, strings, booleans)
        answer = {"enum": labels} if spec.classes else {"type": "string", "enum": labels}
    key, probability_key = ("predictions", "probabilities") if batch else ("Answer", "probability")
    properties: dict[str, Any] = {
        key: {"type": "array", "items": answer},
        "model": {"type": "string"},
        "version": {"type": "string"},
    }
    required = [key, "model", "version"]
    if spec.is_classifier:
        probability = {"type": "number", "minimum": 0, "maximum": 1}
        if len(spec.classes) > 2:  # one probability per class, in ``classes`` order
            probability = {"type": "array", "items": probability, "minItems": len(labels), "maxItems": len(labels)}
        properties[probability_key] = {"type": "array", "items": probability}
        required.append(probability_key)
    if spec.classes:
        properties["classes"] = {"type": "array", "items": {"enum": labels}}
        required.append("classes")
    return {"type": "object", "required": required, "properties": properties}


_CSV_VALUE = {
    "integer": r"-?(0|[1-9][0-9]{0,14})",
    "binary": r"[01]",
    "number": r"-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?",
}
"""A CSV value of each kind, as plain decimals below ``LARGEST`` (15 digits before the point at most)."""


def _csv_value(feature: Feature) -> str:
    """A CSV value of the feature as a pattern: a plain decimal of its kind, or one of its known values."""
    if feature.kind == "category" and feature.unknown:  # any text: an unknown category is accepted
        return r'[^,"\r\n]*' if feature.missing else r'[^,"\r\n]+'
    if feature.kind == "category" or (feature.categories and not feature.unknown):
        plain = [str(c) if isinstance(c, str) else repr(float(c)) for c in feature.categories]
        plain = [c for c in plain if c and not set(c) & set(',"\r\n') and c == c.strip()]
        known = "(" + "|".join(re.escape(c) for c in plain) + ")" if plain else "(?!)"
        return f"({known})?" if feature.missing else known
    return f"({_CSV_VALUE[feature.kind]})?" if feature.missing else _CSV_VALUE[feature.kind]


def csv_pattern(spec: ModelSpec) -> str:
    """A CSV body the parser accepts: the header in the model's feature order, then one or more rows.

    The parser also takes the columns in any order, quoted values and exponents; the pattern states the
    plain form, every string of which is accepted (a schema cannot list every order of the header).
    """
    row = ",".join(_csv_value(f) for f in spec.features)
    return f"^{','.join(spec.feature_names)}\n({row}\n)*{row}\n?$"


def batch_request_body(spec: ModelSpec, max_rows: int) -> dict[str, Any]:
    """The three batch forms as schemas every request valid by them passes.

    ``columns`` is documented with one value per feature: the service takes arrays of any one length
    (up to ``max_rows``), but a schema cannot say "of one length" across properties.
    """
    row = {
        "type": "object",
        "required": list(spec.feature_names),
        "additionalProperties": False,
        "properties": {f.name: _feature_schema(f, nullable=True) for f in spec.features},
    }
    rows = {"type": "array", "minItems": 1, "maxItems": max_rows, "items": row}
    columns = {
        "type": "object",
        "required": list(spec.feature_names),
        "additionalProperties": False,
        "description": "one array per feature, all of one length (one value each in this schema)",
        "properties": {
            f.name: {"type": "array", "items": _feature_schema(f, nullable=True), "minItems": 1, "maxItems": 1}
            for f in spec.features
        },
    }
    return {
        "required": True,
        "description": f"Rows as JSON objects, columns as JSON arrays of one length, or CSV with a header row; "
        f"1 to {max_rows} rows.",
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["rows"],
                            "additionalProperties": False,
                            "properties": {"rows": rows},
                        },
                        {
                            "type": "object",
                            "required": ["columns"],
                            "additionalProperties": False,
                            "properties": {"columns": columns},
                        },
                    ]
                }
            },
            "text/csv": {"schema": {"type": "string", "pattern": csv_pattern(spec)}},
        },
    }


def json_response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"200": {"description": description, "content": {"application/json": {"schema": schema}}}}
