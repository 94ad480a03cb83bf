"""What the import refuses (by name, listing what it supports, writing nothing), and what serving an imported
model never loads."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from handlers.cli.main import main
from tests.handlers.conftest import fresh_interpreter
from tests.importing.conftest import HELD_OUT, ROWS, TARGETS, TRAIN, import_model, library_matrix

NUMERIC = ["pregnant", "pressure", "mass"]


def _numbers(rows: list[dict[str, object]]) -> np.ndarray:  # type: ignore[type-arg]
    return np.array([[r[n] for n in NUMERIC] for r in rows], dtype=np.float64)


@pytest.mark.parametrize(
    ("estimator", "named"),
    [
        (KNeighborsClassifier(), "sklearn.neighbors.KNeighborsClassifier"),
        (make_pipeline(StandardScaler(), SVC()), "sklearn.svm.SVC"),
        (
            make_pipeline(FunctionTransformer(np.log1p), LogisticRegression()),
            "sklearn.preprocessing.FunctionTransformer",
        ),
    ],
)
def test_an_unsupported_class_is_refused_by_name_listing_what_is_supported(
    estimator: object, named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    estimator.fit(_numbers(ROWS[TRAIN]), TARGETS["binary"][TRAIN])  # type: ignore[attr-defined]
    assert import_model(estimator, tmp_path, NUMERIC) != 0
    message = capsys.readouterr().err
    assert named in message and "sklearn.linear_model.LogisticRegression" in message
    assert "sklearn.preprocessing.OneHotEncoder" in message
    assert not (tmp_path / "models").exists() or not list((tmp_path / "models").iterdir())


def test_the_help_says_the_file_must_be_trusted(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["models", "import", "--help"])
    assert "trust" in capsys.readouterr().out


def test_the_metadata_records_the_estimator_its_library_and_the_agreement(tmp_path: Path) -> None:
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(_numbers(ROWS[TRAIN]), TARGETS["binary"][TRAIN])
    assert import_model(model, tmp_path, NUMERIC, name="plain") == 0
    meta = json.loads((tmp_path / "models" / "plain.meta.json").read_text())
    assert meta["imported"]["estimator"] == "sklearn.pipeline.Pipeline"
    assert meta["imported"]["final_estimator"] == "sklearn.linear_model.LogisticRegression"
    assert meta["imported"]["library"] == "scikit-learn" and meta["library_versions"]["scikit-learn"]
    assert 0 <= meta["imported"]["agreement"]["max_difference"] <= 1e-9
    assert meta["classes"] == ["neg", "pos"] and [f["name"] for f in meta["features"]] == NUMERIC
    assert meta["example_row"] == {n: ROWS[600][n] for n in NUMERIC}


SERVE_AND_LIST_MODULES = """
import json, sys
from handlers import aws_lambda
from tests.handlers.lambda_events import FakeContext
rows = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {rows!r}
answer = aws_lambda.handler({{"model": "brought", "rows": rows}}, FakeContext())
loaded = {{m.split(".")[0] for m in sys.modules}}
heavy = sorted(loaded & {{"sklearn", "pandas", "scipy", "joblib", "xgboost", "lightgbm"}})
print(json.dumps({{"answer": answer, "heavy": heavy}}))
"""


def test_serving_an_imported_model_imports_no_scikit_learn_pandas_or_scipy(tmp_path: Path) -> None:
    model = make_pipeline(
        ColumnTransformer(
            [
                ("n", make_pipeline(SimpleImputer(), StandardScaler()), [0, 1, 2, 3]),
                ("r", OneHotEncoder(handle_unknown="ignore"), [4]),
            ]
        ),
        LogisticRegression(),
    ).fit(library_matrix(ROWS[TRAIN]), TARGETS["binary"][TRAIN])
    assert import_model(model, tmp_path) == 0
    rows = ROWS[HELD_OUT][:20]
    out = json.loads(fresh_interpreter(SERVE_AND_LIST_MODULES.format(rows=rows), MODELS_DIR=str(tmp_path / "models")))
    assert out["heavy"] == []
    expected = model.predict_proba(library_matrix(rows))[:, 1]
    assert all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(out["answer"]["probabilities"], expected, strict=True))


@pytest.mark.parametrize(("name", "words"), [("diabetes", "bundled model"), ("Not A Name", "lowercase")])
def test_a_name_that_cannot_be_served_is_refused(
    name: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    estimator = LogisticRegression().fit(_numbers(ROWS[TRAIN]), TARGETS["binary"][TRAIN])
    assert import_model(estimator, tmp_path, NUMERIC, name=name) != 0
    assert words in capsys.readouterr().err
