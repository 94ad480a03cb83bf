"""Fit an estimator on Pima rows plus a made-up ``region`` column, import it with the command, serve it.

Training rows 0-599, the sample the import reads 600-649, and the rows compared after serving 650-767
(never seen by the import), with missing values and, where the model accepts them, unknown categories.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest
from fastapi.testclient import TestClient

from core.paths import DATA_DIR
from handlers import aws_lambda
from handlers.aws_events.direct import DirectInvocation
from handlers.aws_events.guard import Guarded
from handlers.cli.main import main
from handlers.http_app import create_app
from handlers.settings import settings
from tests.handlers.lambda_events import FakeContext

NUMERIC = ["pregnant", "glucose", "pressure", "mass"]
NAMES = [*NUMERIC, "region"]
REGIONS = ["north", "south", "east", "west"]
TRAIN, SAMPLE = slice(0, 600), slice(600, 650)
HELD_OUT = slice(650, 768)


def _pima() -> tuple[list[dict[str, Any]], dict[str, np.ndarray[Any, Any]]]:
    with (DATA_DIR / "pima_indians_diabetes.csv").open() as handle:
        records = list(csv.DictReader(handle))
    rng = np.random.default_rng(12)
    rows: list[dict[str, Any]] = []
    for i, r in enumerate(records):
        row: dict[str, Any] = {n: float(r[n]) for n in NUMERIC}
        row["region"] = None if rng.random() < 0.1 else str(rng.choice(REGIONS[: 3 if i % 50 else 4]))
        if i % 17 == 0:
            row["glucose"] = None
        rows.append(row)
    targets = {
        "binary": np.array([r["diabetes"] for r in records]),
        "multiclass": np.array([0 if float(r["age"]) < 30 else 1 if float(r["age"]) < 45 else 2 for r in records]),
        "regression": np.array([float(r["age"]) for r in records]),
    }
    return rows, targets


ROWS, TARGETS = _pima()


def library_matrix(rows: list[dict[str, Any]], names: list[str] = NAMES) -> np.ndarray[Any, Any]:
    """Rows as the estimators are fitted on them: an object array, NaN for a missing value."""
    text = "region" in names
    values = [[np.nan if r[n] is None else r[n] for n in names] for r in rows]
    return np.array(values, dtype=object if text else np.float64)


def write_sample(path: Path, rows: list[dict[str, Any]], names: list[str]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows([["" if r[n] is None else r[n] for n in names] for r in rows])
    return path


@dataclasses.dataclass
class Served:
    name: str
    models_dir: Path
    client: TestClient

    def http(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        response = self.client.post(f"/models/{self.name}/predict", json={"rows": rows})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def lambda_direct(self, rows: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
        direct = next(
            k.kind for k in aws_lambda.DISPATCH if isinstance(k, Guarded) and isinstance(k.kind, DirectInvocation)
        )
        monkeypatch.setattr(direct, "settings", dataclasses.replace(direct.settings, models_dir=self.models_dir))
        return dict(aws_lambda.handler({"model": self.name, "rows": rows}, FakeContext()))


def import_model(estimator: Any, tmp_path: Path, names: list[str] = NAMES, name: str = "brought") -> int:
    """Dump the fitted estimator, import it with the command; the exit status."""
    joblib.dump(estimator, tmp_path / "model.joblib")
    sample = write_sample(tmp_path / "sample.csv", ROWS[SAMPLE], names)
    argv = ["models", "import", str(tmp_path / "model.joblib"), "--name", name, "--sample", str(sample)]
    return main([*argv, "--models-dir", str(tmp_path / "models")])


@pytest.fixture
def serve(tmp_path: Path) -> Callable[..., Served]:
    def serve(estimator: Any, names: list[str] = NAMES, name: str = "brought") -> Served:
        assert import_model(estimator, tmp_path, names, name) == 0
        app = create_app(dataclasses.replace(settings(), models_dir=tmp_path / "models"))
        return Served(name, tmp_path / "models", TestClient(app, raise_server_exceptions=False))

    return serve


def close(ours: Any, theirs: Any, tolerance: float = 1e-9) -> bool:
    a, b = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tolerance)) and not any(math.isnan(v) for v in a.ravel())
