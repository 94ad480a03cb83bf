"""The spec of an imported model, read from its metadata: what lets the registry serve it with no module.

``serverless-ml models import`` writes ``NAME.meta.json`` with an ``imported`` entry (the estimator's class
path, its library and version) beside the feature schema; every ``*.meta.json`` in the models directory
that has one becomes a ``ModelSpec`` here, so the routes, the OpenAPI schema, the Lambda direct invocation
and the emulator serve it as they serve a declared model.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from core.prediction.spec import Dataset, Feature, Fitted, ModelSpec

IMPORTED = "imported"
"""The metadata key that marks an imported model (and describes where it came from)."""


def _not_trained_here(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Fitted:
    raise ValueError("an imported model is not trained here: import it again with `serverless-ml models import`")


def _feature(entry: dict[str, Any]) -> Feature:
    return Feature(
        name=str(entry["name"]),
        kind=entry.get("type", "number"),
        description=str(entry.get("description", "")),
        categories=tuple(entry.get("categories", ())),
        missing=bool(entry.get("missing", False)),
        unknown=bool(entry.get("unknown", True)),
    )


def spec_from_metadata(meta: dict[str, Any]) -> ModelSpec:
    """The spec an imported model's metadata describes; ``KeyError``/``ValueError`` for one that is malformed."""
    return ModelSpec(
        name=str(meta["name"]),
        version=str(meta["version"]),
        description=str(meta.get("description", "")),
        task="classification" if meta["task"] == "classification" else "regression",
        features=tuple(_feature(f) for f in meta["features"]),
        target=str(meta.get("target", "")),
        dataset=Dataset(file=str(meta.get("training_data", {}).get("file", ""))),
        train=_not_trained_here,
        classes=tuple(meta.get("classes", ())),
        formula=str(meta.get("formula", "")),
    )


@functools.cache
def imported_specs(models_dir: Path) -> dict[str, ModelSpec]:
    """Every imported model in ``models_dir`` by name; a metadata file that cannot be read is skipped (the
    declared models' own files are not imported ones)."""
    specs: dict[str, ModelSpec] = {}
    for path in sorted(models_dir.glob("*.meta.json")):
        try:
            meta = json.loads(path.read_text())
            if isinstance(meta, dict) and IMPORTED in meta:
                spec = spec_from_metadata(meta)
                specs[spec.name] = spec
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return specs
