"""Every supported linear estimator and preprocessing step, fitted, imported with the command, served over
HTTP and through a Lambda direct invocation, and compared with the library on rows the import never saw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    MaxAbsScaler,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
)

from tests.importing.conftest import HELD_OUT, ROWS, TARGETS, TRAIN, Served, close, library_matrix

NUMBERS = [0, 1, 2, 3]
REGION = [4]


def prep(
    scaler: Any = None,
    encoder: Any = None,
    strategy: str = "median",
    region_strategy: str | None = "most_frequent",
) -> ColumnTransformer:
    """Numbers imputed then scaled; the region imputed (or not) then encoded."""
    numbers = make_pipeline(SimpleImputer(strategy=strategy, fill_value=0), scaler or StandardScaler())
    region_steps = [SimpleImputer(strategy=region_strategy, fill_value="none")] if region_strategy else []
    region = make_pipeline(*region_steps, encoder or OneHotEncoder(handle_unknown="ignore"))
    return ColumnTransformer([("numbers", numbers, NUMBERS), ("region", region, REGION)])


CASES: dict[str, tuple[Callable[[], Any], str]] = {
    "logistic/standard/one-hot-ignore": (lambda: Pipeline([("p", prep()), ("m", LogisticRegression())]), "binary"),
    "linear-regression/min-max/mean": (
        lambda: make_pipeline(prep(MinMaxScaler(), strategy="mean"), LinearRegression()),
        "regression",
    ),
    "ridge/max-abs/most-frequent": (
        lambda: make_pipeline(prep(MaxAbsScaler(), strategy="most_frequent"), Ridge(alpha=2.0)),
        "regression",
    ),
    "lasso/robust/constant": (
        lambda: make_pipeline(prep(RobustScaler(), strategy="constant", region_strategy="constant"), Lasso(0.05)),
        "regression",
    ),
    "elastic-net/standard-without-mean": (
        lambda: make_pipeline(prep(StandardScaler(with_mean=False)), ElasticNet(alpha=0.05, l1_ratio=0.3)),
        "regression",
    ),
    "multinomial-logistic/one-hot-drop-first": (
        lambda: make_pipeline(prep(encoder=OneHotEncoder(drop="first", handle_unknown="ignore")), LogisticRegression()),
        "multiclass",
    ),
    "logistic/one-hot-infrequent-if-exist": (
        lambda: make_pipeline(
            prep(encoder=OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=40), region_strategy=None),
            LogisticRegression(),
        ),
        "binary",
    ),
    "logistic/ordinal-unknown-value-missing-value": (
        lambda: make_pipeline(
            prep(
                encoder=OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-2),
                region_strategy=None,
            ),
            LogisticRegression(),
        ),
        "binary",
    ),
    "multinomial/remainder-passthrough": (
        lambda: make_pipeline(
            ColumnTransformer(
                [("region", OneHotEncoder(handle_unknown="ignore"), REGION), ("glucose", SimpleImputer(), [1])],
                remainder="passthrough",
            ),
            LogisticRegression(max_iter=5000),
        ),
        "multiclass",
    ),
}


def _fit(case: str) -> Any:
    build, target = CASES[case]
    return build().fit(library_matrix(ROWS[TRAIN]), TARGETS[target][TRAIN])


def _check(served: Served, estimator: Any, rows: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    x = library_matrix(rows)
    expected = estimator.predict(x).tolist()
    for answer in (served.http(rows), served.lambda_direct(rows, monkeypatch)):
        assert len(answer["predictions"]) == len(rows)
        if hasattr(estimator, "predict_proba"):
            assert answer["predictions"] == expected  # the labels themselves, in their own type
            assert answer["classes"] == estimator.classes_.tolist()
            proba = estimator.predict_proba(x)
            assert close(answer["probabilities"], proba[:, 1] if proba.shape[1] == 2 else proba)
        else:
            assert "classes" not in answer and close(answer["predictions"], expected)


@pytest.mark.filterwarnings("ignore:Found unknown categories:UserWarning")  # drop= with an unknown category
@pytest.mark.parametrize("case", list(CASES))
def test_an_imported_pipeline_answers_as_the_library_on_rows_it_never_saw(
    case: str, serve: Callable[..., Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    estimator = _fit(case)
    served = serve(estimator)
    held_out = ROWS[HELD_OUT]
    assert any(r["region"] is None for r in held_out) and any(r["glucose"] is None for r in held_out)
    unknown = [{**r, "region": "atlantis"} for r in held_out[:5]]
    _check(served, estimator, held_out + unknown, monkeypatch)


def test_the_schema_says_what_the_estimator_accepts(serve: Callable[..., Served]) -> None:
    served = serve(_fit("logistic/standard/one-hot-ignore"))
    features = {f["name"]: f for f in served.client.get(f"/models/{served.name}").json()["features"]}
    assert features["region"]["type"] == "category"
    assert sorted(features["region"]["categories"]) == ["east", "north", "south", "west"]
    assert features["region"]["unknown"] and features["region"]["missing"] and features["glucose"]["missing"]
    schema = served.client.get("/openapi.json").json()
    body = schema["paths"][f"/models/{served.name}/predict"]["post"]["requestBody"]["content"]["application/json"]
    row = body["schema"]["oneOf"][0]["properties"]["rows"]["items"]["properties"]
    assert row["region"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}


def test_an_unknown_category_is_refused_naming_the_field_and_the_categories_where_the_encoder_refuses_it(
    serve: Callable[..., Served],
) -> None:
    estimator = _fit_error_encoder()
    served = serve(estimator)
    row = {**ROWS[HELD_OUT][0], "region": "atlantis"}
    response = served.client.post(f"/models/{served.name}/predict", json={"rows": [row]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "region"
    assert "atlantis" in error["message"] and all(r in error["message"] for r in ("north", "south", "east"))
    csv_body = "pregnant,glucose,pressure,mass,region\n1,100,70,30,atlantis\n"
    response = served.client.post(
        f"/models/{served.name}/predict", content=csv_body, headers={"content-type": "text/csv"}
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "region"


def _fit_error_encoder() -> Any:
    model = make_pipeline(prep(encoder=OneHotEncoder(handle_unknown="error")), LogisticRegression())
    return model.fit(library_matrix(ROWS[TRAIN]), TARGETS["binary"][TRAIN])


def test_a_missing_value_is_refused_naming_the_field_where_the_model_cannot_handle_it(
    serve: Callable[..., Served],
) -> None:
    names = ["pregnant", "pressure", "mass"]
    x = np.array([[r[n] for n in names] for r in ROWS[TRAIN]], dtype=np.float64)
    served = serve(LinearRegression().fit(x, TARGETS["regression"][TRAIN]), names=names)
    row = {"pregnant": None, "pressure": 70, "mass": 30}
    response = served.client.post(f"/models/{served.name}/predict", json={"rows": [row]})
    assert response.status_code == 422 and response.json()["error"]["field"] == "pregnant"
    response = served.client.get(f"/models/{served.name}/predict_data?pregnant=&pressure=70&mass=30")
    assert response.status_code == 422 and response.json()["error"]["field"] == "pregnant"
    rows = [{n: r[n] for n in names} for r in ROWS[HELD_OUT]]
    answer = served.http(rows)
    assert close(answer["predictions"], served_reference(served, x, rows, names))


def served_reference(served: Served, x: Any, rows: list[dict[str, Any]], names: list[str]) -> Any:
    estimator = LinearRegression().fit(x, TARGETS["regression"][TRAIN])
    return estimator.predict(np.array([[r[n] for n in names] for r in rows], dtype=np.float64))


def test_a_numeric_column_an_encoder_refuses_unknown_values_of_lists_the_known_ones(
    serve: Callable[..., Served],
) -> None:
    names = ["pregnant", "glucose"]
    model = make_pipeline(
        ColumnTransformer(
            [
                ("p", OneHotEncoder(handle_unknown="error"), [0]),
                ("g", make_pipeline(SimpleImputer(), StandardScaler()), [1]),
            ]
        ),
        LogisticRegression(max_iter=5000),
    )
    x = np.array([[r[n] if r[n] is not None else np.nan for n in names] for r in ROWS], dtype=np.float64)
    model.fit(x, TARGETS["binary"])  # every row: the sample and the held-out rows hold no unseen pregnancies
    served = serve(model, names=names)
    response = served.client.get(f"/models/{served.name}/predict_data?pregnant=99&glucose=100")
    assert response.status_code == 422 and response.json()["error"]["field"] == "pregnant"
    assert "99" in response.json()["error"]["message"] and "17" in response.json()["error"]["message"]
    rows = [{n: r[n] for n in names} for r in ROWS[HELD_OUT]]
    answer = served.http(rows)
    assert answer["predictions"] == model.predict(x[HELD_OUT]).tolist()
    assert close(answer["probabilities"], model.predict_proba(x[HELD_OUT])[:, 1])
