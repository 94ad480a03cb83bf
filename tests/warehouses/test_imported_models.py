"""A model the user brought, with a category column and missing values, as a SQL function.

A warehouse sends SQL NULL as JSON ``null`` and a category as its string: both must reach the model as they
do over ``POST /models/{name}/predict``, and the answers must be the library's own on rows the import never saw.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from core.errors import InvalidInputError
from core.prediction.calls import answer_calls
from handlers.http_app import create_app
from handlers.settings import settings
from tests.importing.conftest import HELD_OUT, NAMES, ROWS, TARGETS, TRAIN, import_model, library_matrix
from tests.warehouses.test_http_warehouses import bigquery_request, snowflake_headers

NAME = "brought"


@pytest.fixture(scope="module")
def fitted() -> Any:
    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    region = make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore"))
    prep = ColumnTransformer([("numbers", numbers, [0, 1, 2, 3]), ("region", region, [4])])
    return make_pipeline(prep, LogisticRegression()).fit(library_matrix(ROWS[TRAIN]), TARGETS["binary"][TRAIN])


@pytest.fixture(scope="module")
def models_dir(fitted: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("imported")
    assert import_model(fitted, where) == 0
    return where / "models"


@pytest.fixture(scope="module")
def client(models_dir: Path) -> TestClient:
    app = create_app(dataclasses.replace(settings(), models_dir=models_dir))
    return TestClient(app, raise_server_exceptions=False)


def _held_out() -> list[dict[str, Any]]:
    rows = ROWS[HELD_OUT] + [{**r, "region": "atlantis"} for r in ROWS[HELD_OUT][:5]]  # unknown: ignored
    assert any(r["region"] is None for r in rows) and any(r["glucose"] is None for r in rows)
    return rows


def _calls(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r[n] for n in NAMES] for r in rows]


def test_bigquery_answers_nulls_and_categories_as_the_library(client: TestClient, fitted: Any) -> None:
    rows = _held_out()
    x = library_matrix(rows)
    response = client.post(f"/bigquery/{NAME}", json=bigquery_request(_calls(rows)))
    assert response.status_code == 200, response.text
    assert response.json()["replies"] == fitted.predict(x).tolist()
    asked = client.post(f"/bigquery/{NAME}", json=bigquery_request(_calls(rows), {"output": "probability"}))
    assert np.allclose(asked.json()["replies"], fitted.predict_proba(x)[:, 1], rtol=0, atol=1e-9)


def test_snowflake_answers_nulls_and_categories_as_the_library(client: TestClient, fitted: Any) -> None:
    rows = _held_out()
    body = {"data": [[i, *call] for i, call in enumerate(_calls(rows))]}
    response = client.post(f"/snowflake/{NAME}", json=body, headers=snowflake_headers())
    assert response.status_code == 200, response.text
    assert response.json()["data"] == [[i, label] for i, label in enumerate(fitted.predict(library_matrix(rows)))]


def test_redshift_arguments_are_read_the_same_way(models_dir: Path, fitted: Any) -> None:
    rows = _held_out()
    replies = answer_calls(NAME, _calls(rows), what="row", container="arguments", models_dir=models_dir)
    assert replies == fitted.predict(library_matrix(rows)).tolist()


def test_a_number_where_a_category_is_expected_is_refused_not_read_as_a_code(models_dir: Path) -> None:
    """Category codes are internal: a warehouse sending 0 for ``region`` must not get the first category's answer."""
    calls = _calls(ROWS[HELD_OUT][:3])
    calls[2][NAMES.index("region")] = 0
    with pytest.raises(InvalidInputError) as caught:
        answer_calls(NAME, calls, models_dir=models_dir)
    assert caught.value.field == "region"
    assert caught.value.message == "call 2: field 'region' must be a string (a category), got number"
