"""Writes a trained model as plain JSON beside its metadata, and loads it back only if its sha256 matches.

Layout, per model, in the models directory: ``<name>.model.json`` (the served form),
``<name>.model.npz`` (only for a form with arrays too big for JSON, read with ``allow_pickle=False``) and
``<name>.meta.json`` (name, version, provenance, feature schema, metrics, and the artifacts' sha256).
Trained and imported models share this layout and this loader.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ModelUnavailableError
from core.prediction.datasets import TrainingData
from core.prediction.forms import Form, form_arrays, form_from_json
from core.prediction.spec import Fitted, ModelSpec


@dataclass(frozen=True)
class ServedModel:
    spec: ModelSpec
    form: Form
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["version"])


def artifact_path(models_dir: Path, name: str) -> Path:
    return models_dir / f"{name}.model.json"


def metadata_path(models_dir: Path, name: str) -> Path:
    return models_dir / f"{name}.meta.json"


def arrays_path(models_dir: Path, name: str) -> Path:
    return models_dir / f"{name}.model.npz"


def write_artifact(form: Form, name: str, models_dir: Path) -> dict[str, Any]:
    """Write the form's JSON (and its arrays, if it has any); return the metadata's ``artifact`` entry."""
    models_dir.mkdir(parents=True, exist_ok=True)
    artifact = (json.dumps(form.to_json(), indent=None, separators=(",", ":")) + "\n").encode()
    artifact_path(models_dir, name).write_bytes(artifact)
    entry: dict[str, Any] = {
        "file": artifact_path(models_dir, name).name,
        "format": f"json/{form.kind}",
        "sha256": hashlib.sha256(artifact).hexdigest(),
        "bytes": len(artifact),
    }
    arrays = form_arrays(form)
    if arrays:
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **arrays)
        arrays_path(models_dir, name).write_bytes(buffer.getvalue())
        entry["arrays"] = {
            "file": arrays_path(models_dir, name).name,
            "sha256": hashlib.sha256(buffer.getvalue()).hexdigest(),
            "bytes": len(buffer.getvalue()),
        }
    else:
        arrays_path(models_dir, name).unlink(missing_ok=True)
    return entry


def write_model(spec: ModelSpec, fitted: Fitted, data: TrainingData, models_dir: Path) -> dict[str, Any]:
    """Write the artifact, then the metadata that records its sha256; return the metadata."""
    from importlib import metadata as importlib_metadata  # training only: 30-60 ms off every cold start

    artifact = write_artifact(fitted.form, spec.name, models_dir)
    meta = {
        "name": spec.name,
        "version": spec.version,
        "created_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "description": spec.description,
        "task": spec.task,
        "formula": spec.formula,
        "target": spec.target,
        **({"labels": list(spec.labels), "threshold": spec.threshold} if spec.is_classifier else {}),
        "artifact": artifact,
        "training_data": {"file": data.file, "sha256": data.sha256, "rows": data.rows},
        "library_versions": {
            "python": platform.python_version(),
            "numpy": importlib_metadata.version("numpy"),
            "scikit-learn": importlib_metadata.version("scikit-learn"),
        },
        "features": [
            {
                "name": f.name,
                "type": f.kind,
                "description": f.description,
                "min": _plain(data.x[:, i].min()),
                "max": _plain(data.x[:, i].max()),
            }
            for i, f in enumerate(spec.features)
        ],
        "example_row": {f.name: _plain(data.x[0, i]) for i, f in enumerate(spec.features)},
        "metrics": dict(fitted.metrics),
    }
    metadata_path(models_dir, spec.name).write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def _plain(value: Any) -> float | int:
    number = float(value)
    return int(number) if number.is_integer() else number


def read_metadata(spec: ModelSpec, models_dir: Path) -> dict[str, Any]:
    return read_metadata_of(spec.name, models_dir)


def read_metadata_of(name: str, models_dir: Path) -> dict[str, Any]:
    path = metadata_path(models_dir, name)
    try:
        meta: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"model {name!r} has no readable metadata", field="model") from exc
    return meta


@functools.cache
def load_model(spec: ModelSpec, models_dir: Path) -> ServedModel:
    """Load once per process; refuse an artifact whose bytes do not hash to the recorded sha256."""
    meta = read_metadata(spec, models_dir)
    path = artifact_path(models_dir, spec.name)
    try:
        artifact = path.read_bytes()
    except OSError as exc:
        raise ModelUnavailableError(f"model {spec.name!r} has no artifact; run `make models`", field="model") from exc
    entry = meta.get("artifact", {})
    _check_sha256(spec.name, artifact, entry.get("sha256"))
    try:
        form = form_from_json(json.loads(artifact), _read_arrays(spec.name, models_dir, entry.get("arrays")))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ModelUnavailableError(
            f"model {spec.name!r} has an artifact this version cannot read", field="model"
        ) from exc
    return ServedModel(spec=spec, form=form, metadata=meta)


def _check_sha256(name: str, content: bytes, expected: object) -> None:
    if hashlib.sha256(content).hexdigest() != expected:
        raise ModelUnavailableError(
            f"model {name!r} refused: its artifact does not match the sha256 recorded in its metadata",
            field="model",
        )


def _read_arrays(name: str, models_dir: Path, entry: Any) -> dict[str, np.ndarray[Any, Any]]:
    """The ``.npz`` the metadata names, checked against its sha256 and read without pickle; none if it names none."""
    if not entry:
        return {}
    try:
        content = arrays_path(models_dir, name).read_bytes()
    except OSError as exc:
        raise ModelUnavailableError(f"model {name!r} has no arrays file", field="model") from exc
    _check_sha256(name, content, entry.get("sha256"))
    with np.load(io.BytesIO(content), allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}
