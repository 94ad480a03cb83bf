"""Reads the training CSVs shipped in ``data/`` into numpy arrays, with the file's sha256 for provenance."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from core.prediction.spec import ModelSpec


@dataclass(frozen=True)
class TrainingData:
    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    file: str
    sha256: str
    rows: int


def load_training_data(spec: ModelSpec, data_dir: Path) -> TrainingData:
    """The spec's feature matrix and target; a classifier's target becomes 1.0 for ``spec.positive``, else 0.0."""
    path = data_dir / spec.dataset.file
    raw = path.read_bytes()
    records = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    if spec.dataset.rows is not None:
        records = records[: spec.dataset.rows]
    x = np.array([[float(r[name]) for name in spec.feature_names] for r in records], dtype=np.float64)
    if spec.is_classifier:
        y = np.array([1.0 if r[spec.target] == spec.positive else 0.0 for r in records])
    else:
        y = np.array([float(r[spec.target]) for r in records])
    return TrainingData(x=x, y=y, file=spec.dataset.file, sha256=hashlib.sha256(raw).hexdigest(), rows=len(records))
