"""Calls made up from each model's own feature schema (observed min/max), so no test lists a bundled model."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.prediction import service
from core.prediction.registry import model_specs


def model_rows(name: str, count: int, seed: int = 0) -> list[list[int | float]]:
    """``count`` rows of valid values for model ``name``, in its feature order, within the observed ranges."""
    metadata = service.describe_model(name)
    rng = np.random.default_rng(seed)
    columns: list[list[Any]] = []
    for feature in metadata["features"]:
        low, high = float(feature["min"]), float(feature["max"])
        if feature["type"] in ("integer", "binary"):
            columns.append(rng.integers(int(low), int(high) + 1, count).tolist())
        else:
            columns.append(np.round(rng.uniform(low, high, count), 3).tolist())
    return [list(row) for row in zip(*columns, strict=True)]


def classifiers() -> list[str]:
    return [name for name, spec in model_specs().items() if spec.is_classifier]


def regressions() -> list[str]:
    return [name for name, spec in model_specs().items() if not spec.is_classifier]


def reference(name: str, rows: list[list[int | float]]) -> dict[str, Any]:
    """What ``POST /models/{name}/predict``'s use case answers for the same rows (JSON columns)."""
    features = [f.name for f in model_specs()[name].features]
    columns = {feature: [row[j] for row in rows] for j, feature in enumerate(features)}
    import orjson

    return service.predict_batch(name, orjson.dumps({"columns": columns}), "application/json")
