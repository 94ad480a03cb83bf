"""The import use case: a fitted estimator and a sample in, ``NAME.model.json`` (+ ``.npz``) and ``NAME.meta.json`` out.

The feature schema comes from the sample and from the estimator itself: a feature may be missing, or hold
an unknown category, exactly when the library's own ``predict`` accepts that on a sample row. The served
form is then checked against the library on every sample row and on those probe rows, through the same
input layer the service uses, and refused (nothing written) if it differs by more than the tolerance or
gives another label anywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import platform
import re
import warnings
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import InvalidInputError
from core.prediction.artifacts import metadata_path, write_artifact
from core.prediction.features import feature_value
from core.prediction.forms import Form
from core.prediction.imported import IMPORTED, spec_from_metadata
from core.prediction.importing.preprocessing import TRANSFORMERS, UNSEEN
from core.prediction.importing.reading import Sample, framed, load_estimator, read_sample
from core.prediction.importing.table import CONVERTERS, supported
from core.prediction.importing.table_types import class_path
from core.prediction.importing.walk import Categories, Column, Unsupported, walk
from core.prediction.pipeline import PipelineForm
from core.prediction.registry import MODELS
from core.prediction.spec import ModelSpec

TOLERANCES: dict[str, tuple[str, float]] = {
    "scikit-learn": ("absolute", 1e-9),
    "xgboost": ("relative", 1e-6),
    "lightgbm": ("relative", 1e-6),
}
"""The largest difference from the library's own answer allowed on any row, by the estimator's library.
``relative`` divides by ``max(1, |library's answer|)``."""

DISTRIBUTIONS = {"sklearn": "scikit-learn"}
"""A top-level module's distribution name, where they differ."""


@dataclass(frozen=True)
class Imported:
    metadata: dict[str, Any]
    summary: str


class Library:
    """The estimator's own answers for rows given as a client sends them (the reference the form must match)."""

    def __init__(self, estimator: Any, sample: Sample) -> None:
        self.estimator = estimator
        self.sample = sample
        self.classes = list(getattr(estimator, "classes_", [])) if hasattr(estimator, "predict_proba") else []

    def _x(self, rows: list[dict[str, Any]]) -> Any:
        return framed(self.estimator, self.sample.matrix(rows), self.sample.names)

    def answers(self, rows: list[dict[str, Any]]) -> np.ndarray[Any, Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.classes:
                p = np.asarray(self.estimator.predict_proba(self._x(rows)), dtype=np.float64)
                return p[:, 1] if len(self.classes) == 2 else p
            return np.asarray(self.estimator.predict(self._x(rows)), dtype=np.float64).ravel()

    def labels(self, rows: list[dict[str, Any]]) -> list[Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return list(np.asarray(self.estimator.predict(self._x(rows))).tolist())

    def accepts(self, row: dict[str, Any]) -> bool:
        try:
            self.answers([row])
        except Exception:  # noqa: BLE001 - any refusal by the library means the value is not accepted
            return False
        return True


def _final(estimator: Any) -> Any:
    return _final(estimator.steps[-1][1]) if hasattr(estimator, "steps") else estimator


def _library_name(estimator: Any) -> str:
    top = class_path(_final(estimator)).split(".")[0]
    return DISTRIBUTIONS.get(top, top)


def _version(distribution: str) -> str:
    try:
        return importlib_metadata.version(distribution)
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


def _convert(estimator: Any, sample: Sample) -> tuple[Form, Categories]:
    text = frozenset(sample.names.index(n) for n in sample.text)
    categories = Categories(text)
    columns = [Column(i, i in text) for i in range(len(sample.names))]
    try:
        steps, form = walk(estimator, columns, categories, TRANSFORMERS, CONVERTERS)
    except Unsupported as exc:
        raise InvalidInputError(
            f"{exc.path} is not supported (as {exc.where or 'a step'}); supported: {', '.join(supported())}",
            field="estimator",
        ) from None
    except (ValueError, TypeError, IndexError, AttributeError, KeyError) as exc:
        raise InvalidInputError(f"cannot serve this estimator: {exc}", field="estimator") from None
    return (PipelineForm(tuple(steps), form) if steps else form), categories


def _features(sample: Sample, library: Library, categories: Categories) -> list[dict[str, Any]]:
    """The feature schema: kind, observed range, categories, and what the estimator accepts (probed)."""
    example = sample.row(0)
    features = []
    for j, name in enumerate(sample.names):
        values = sample.columns[name]
        entry: dict[str, Any] = {"name": name, "description": ""}
        if name in sample.text:
            entry["type"] = "category"
            entry["categories"] = categories.known.get(j, [])
            entry["unknown"] = library.accepts({**example, name: UNSEEN})
        else:
            present = [v for v in values if v == v]
            entry.update(type="number", min=_plain(min(present, default=0.0)), max=_plain(max(present, default=0.0)))
            numbers = categories.numbers.get(j)
            if numbers:
                unseen = max(numbers) + 1.0
                if not library.accepts({**example, name: unseen}):
                    entry.update(categories=[_plain(n) for n in sorted(numbers)], unknown=False)
        entry["missing"] = library.accepts({**example, name: None})
        features.append(entry)
    return features


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _probe_rows(sample: Sample, spec: ModelSpec) -> list[dict[str, Any]]:
    """Sample row 0 with each feature missing (where accepted) and with an unknown category (where accepted)."""
    example = sample.row(0)
    rows = []
    for feature in spec.features:
        if feature.missing:
            rows.append({**example, feature.name: None})
        if feature.kind == "category" and feature.unknown:
            rows.append({**example, feature.name: UNSEEN})
    return rows


def served_answers(spec: ModelSpec, form: Form, rows: list[dict[str, Any]]) -> tuple[np.ndarray[Any, Any], list[Any]]:
    """The form's answers and labels for rows as a client sends them, through the service's own input layer."""
    x = np.array([[feature_value(r[f.name], f, i) for f in spec.features] for i, r in enumerate(rows)])
    raw = np.asarray(form.evaluate(x), dtype=np.float64)
    if not spec.classes:
        return raw, raw.tolist()
    chosen = raw.argmax(axis=1) if raw.ndim == 2 else (raw > 0.5).astype(np.intp)
    return raw, [spec.classes[i] for i in chosen.tolist()]


def check_agreement(
    spec: ModelSpec, form: Form, library: Library, rows: list[dict[str, Any]], tolerance: tuple[str, float]
) -> float:
    """The largest difference between the form and the library over ``rows``; refuse above the tolerance or on
    any other label, naming the worst row."""
    ours, labels = served_answers(spec, form, rows)
    theirs = library.answers(rows)
    gap = np.abs(ours - theirs)
    if tolerance[0] == "relative":
        gap = gap / np.maximum(1.0, np.abs(theirs))
    per_row = gap.reshape(len(rows), -1).max(axis=1)
    worst = int(np.argmax(per_row))
    if not per_row[worst] <= tolerance[1]:
        raise InvalidInputError(
            f"the served form differs from the library by {per_row[worst]:.3g} ({tolerance[0]}) on sample row {worst} "
            f"{rows[worst]}, more than {tolerance[1]:g}: not written",
            field="estimator",
        )
    theirs_labels = library.labels(rows) if spec.classes else labels  # a regression's "label" is its value
    for i, (a, b) in enumerate(zip(labels, theirs_labels, strict=True)):
        if a != b:
            raise InvalidInputError(
                f"sample row {i} gets label {a!r} here but {b!r} from the library", field="estimator"
            )
    return float(per_row.max())


def _structure(estimator: Any) -> str:
    """The estimator's shape in one line, e.g. ``Pipeline(ColumnTransformer, LogisticRegression)``."""
    if hasattr(estimator, "steps"):
        return f"{type(estimator).__name__}({', '.join(_structure(s) for _, s in estimator.steps)})"
    return type(estimator).__name__


def import_model(
    path: Path, name: str, sample_path: Path, models_dir: Path, version: str = "1.0.0", description: str = ""
) -> Imported:
    """Convert, check and write; nothing is written unless the served form agrees with the library."""
    _check_name(name)
    try:
        estimator = load_estimator(path)
        given = getattr(estimator, "feature_names_in_", None)
        sample = read_sample(sample_path, None if given is None else [str(n) for n in given])
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"cannot read the estimator or the sample: {exc}", field="path") from None
    if given is not None and importlib.util.find_spec("pandas") is None:
        raise InvalidInputError(
            "this estimator was fitted on a DataFrame (it has feature_names_in_): install pandas where you import "
            "it (serving does not need it), or refit it on an array",
            field="path",
        )
    form, categories = _convert(estimator, sample)
    library = Library(estimator, sample)
    distribution = _library_name(estimator)
    tolerance = TOLERANCES.get(distribution, TOLERANCES["scikit-learn"])
    meta: dict[str, Any] = {
        "name": name,
        "version": version,
        "created_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "description": description or f"{_structure(estimator)} imported from {path.name}",
        "task": "classification" if library.classes else "regression",
        "formula": _structure(estimator),
        "target": "",
        **({"classes": [_python(c) for c in library.classes]} if library.classes else {}),
        "features": _features(sample, library, categories),
        "example_row": sample.row(0),
    }
    spec = spec_from_metadata(meta)
    rows = [sample.row(i) for i in range(sample.rows)] + _probe_rows(sample, spec)
    gap = check_agreement(spec, form, library, rows, tolerance)
    sample_bytes, model_bytes = sample_path.read_bytes(), path.read_bytes()
    meta["artifact"] = write_artifact(form, name, models_dir)
    meta["training_data"] = {
        "file": sample_path.name,
        "sha256": hashlib.sha256(sample_bytes).hexdigest(),
        "rows": sample.rows,
    }
    meta["library_versions"] = {
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        distribution: _version(distribution),
    }
    meta["metrics"] = {"sample_rows": float(sample.rows)}
    meta[IMPORTED] = {
        "file": path.name,
        "sha256": hashlib.sha256(model_bytes).hexdigest(),
        "estimator": class_path(estimator),
        "final_estimator": class_path(_final(estimator)),
        "library": distribution,
        "library_version": _version(distribution),
        "agreement": {"max_difference": gap, "kind": tolerance[0], "tolerance": tolerance[1], "rows": len(rows)},
    }
    metadata_path(models_dir, name).write_text(json.dumps(meta, indent=2) + "\n")
    summary = (
        f"imported {name} {version}: {_structure(estimator)}, {len(sample.names)} features, "
        f"largest difference from {distribution} {gap:.1e} on {len(rows)} rows, written to {models_dir}"
    )
    return Imported(meta, summary)


NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
"""A model name: part of its routes and of its file names."""


def _check_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise InvalidInputError(
            f"--name {name!r} must be 1 to 64 lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="name",
        )
    if name in MODELS.all():
        raise InvalidInputError(f"--name {name!r} is a bundled model's name; choose another", field="name")


def _python(value: Any) -> Any:
    """A class label as a plain JSON value of its own type (numpy scalars become Python ones)."""
    return value.item() if hasattr(value, "item") else value
