"""OpenAPI fragments generated from the model specs, so each model's parameters and bodies are documented.

The routes read the raw request (parsing is the core's job, so every platform answers alike), which
hides their inputs from FastAPI; these fragments put them back into ``/openapi.json``.
"""

from __future__ import annotations

from typing import Any

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


def _feature_schema(feature: Feature) -> dict[str, Any]:
    if feature.kind == "integer":
        return {"type": "integer"}
    if feature.kind == "binary":
        return {"type": "integer", "enum": [0, 1]}
    return {"type": "number"}


def query_parameters(spec: ModelSpec) -> list[dict[str, Any]]:
    return [
        {
            "name": f.name,
            "in": "query",
            "required": True,
            "description": f"{f.description} ({f.kind}); repeat the parameter for several rows",
            "schema": {"type": "array", "items": _feature_schema(f)},
            "style": "form",
            "explode": True,
        }
        for f in spec.features
    ]


def answer_schema(spec: ModelSpec, *, batch: bool) -> dict[str, Any]:
    answer = {"type": "string", "enum": list(spec.labels)} if spec.is_classifier else {"type": "number"}
    key, probability_key = ("predictions", "probabilities") if batch else ("Answer", "probability")
    properties: dict[str, Any] = {
        key: {"type": "array", "items": answer},
        "model": {"type": "string"},
        "version": {"type": "string"},
    }
    required = [key, "model", "version"]
    if spec.is_classifier:
        properties[probability_key] = {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}}
        required.append(probability_key)
    return {"type": "object", "required": required, "properties": properties}


def batch_request_body(spec: ModelSpec, max_rows: int) -> dict[str, Any]:
    row = {
        "type": "object",
        "required": list(spec.feature_names),
        "additionalProperties": False,
        "properties": {f.name: _feature_schema(f) for f in spec.features},
    }
    columns = {
        "type": "object",
        "required": list(spec.feature_names),
        "additionalProperties": False,
        "properties": {f.name: {"type": "array", "items": _feature_schema(f)} for f in spec.features},
    }
    return {
        "required": True,
        "description": f"Rows as JSON objects, columns as JSON arrays, or CSV with a header row; "
        f"at most {max_rows} rows.",
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["rows"],
                            "additionalProperties": False,
                            "properties": {"rows": {"type": "array", "minItems": 1, "items": row}},
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
            "text/csv": {"schema": {"type": "string"}},
        },
    }


def json_response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"200": {"description": description, "content": {"application/json": {"schema": schema}}}}
