"""schemathesis with every check against an imported model's operations: its schema (categories, nulls, enums)
promises only what the service accepts, and refuses what it rules out."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from core.paths import MODELS_DIR
from tests.cloud_run_server import serving
from tests.handlers.test_schemathesis import _run
from tests.importing.conftest import ROWS, TARGETS, TRAIN, import_model, library_matrix

pytestmark = pytest.mark.slow

EXAMPLES = 60


@pytest.mark.parametrize("handle_unknown", ["ignore", "error"])
def test_schemathesis_finds_no_failure_on_an_imported_models_operations(tmp_path: Path, handle_unknown: str) -> None:
    model = make_pipeline(
        ColumnTransformer(
            [
                ("n", make_pipeline(SimpleImputer(), StandardScaler()), [0, 1, 2, 3]),
                ("r", OneHotEncoder(handle_unknown=handle_unknown), [4]),  # no imputer: missing region is a category
            ]
        ),
        LogisticRegression(),
    ).fit(library_matrix(ROWS[TRAIN]), TARGETS["binary"][TRAIN])
    shutil.copytree(MODELS_DIR, tmp_path / "models")
    assert import_model(model, tmp_path) == 0
    environ = {"ACCESS_LOG": "off", "LOG_LEVEL": "warning", "MODELS_DIR": str(tmp_path / "models")}
    with serving(tmp_path / "server.log", **environ) as url:
        run = _run(url, EXAMPLES, ["--include-path-regex", "^/models/brought"], tmp_path)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-2000:]
    generated = re.search(r"(\d+) generated", run.stdout[run.stdout.rfind("SUMMARY") :])
    assert generated and int(generated.group(1)) >= EXAMPLES
