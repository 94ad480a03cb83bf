"""Our served models give R's answers: the book's queries, R's coefficients and every row's prediction."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from core.paths import DATA_DIR
from core.prediction.datasets import load_training_data
from core.prediction.registry import model_spec
from core.prediction.service import predict_query, served_model
from tests.conftest import REFERENCE


def _reference_rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, newline="") as f:
        return list(csv.DictReader(f))


def test_diabetes_coefficients_match_glm_to_1e6_relative() -> None:
    ref = json.loads((REFERENCE / "diabetes_glm_coef.json").read_text())["coefficients"]
    form = served_model("diabetes").form
    ours = [form.intercept, *form.coef]  # type: ignore[attr-defined]
    theirs = [ref["(Intercept)"], ref["pregnant"], ref["glucose"], ref["pressure"]]
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=0)


def test_diabetes_probabilities_match_r_on_all_768_rows() -> None:
    rows = _reference_rows("diabetes_predictions.csv")
    x = np.array([[float(r["pregnant"]), float(r["glucose"]), float(r["pressure"])] for r in rows])
    p = served_model("diabetes").form.evaluate(x)
    np.testing.assert_allclose(p, [float(r["response"]) for r in rows], rtol=1e-6)
    assert len(rows) == 768


def test_probability_rule_says_yes_196_times_and_differs_from_the_book_on_59_rows() -> None:
    rows = _reference_rows("diabetes_predictions.csv")
    params = {name: [r[name] for r in rows] for name in ("pregnant", "glucose", "pressure")}
    answers = predict_query("diabetes", params)["Answer"]
    assert answers == [r["answer_response"] for r in rows]
    assert answers.count("yes") == 196
    assert sum(a != r["answer_book"] for a, r in zip(answers, rows, strict=True)) == 59


def test_book_query_answers_no() -> None:
    result = predict_query("diabetes", {"pregnant": ["1"], "glucose": ["3"], "pressure": ["1"]})
    assert result["Answer"] == ["no"]
    assert result["probability"][0] == pytest.approx(0.0050170818894597208, rel=1e-6)


def test_boston_book_query_gives_r_value() -> None:
    query = "crim=0.01&zn=18&indus=2.3&chas=0&nox=0.5&rm=6&age=65&dis=4&rad=1&tax=242"
    params = {k: [v] for k, v in (pair.split("=") for pair in query.split("&"))}
    answer = predict_query("boston", params)["Answer"][0]
    assert answer == pytest.approx(22.581310546245973, rel=1e-9)
    assert round(answer, 4) == 22.5813


def test_boston_matches_r_on_all_506_rows() -> None:
    rows = _reference_rows("boston_predictions.csv")
    names = model_spec("boston").feature_names
    x = np.array([[float(r[n]) for n in names] for r in rows])
    np.testing.assert_allclose(
        served_model("boston").form.evaluate(x), [float(r["prediction"]) for r in rows], rtol=1e-6
    )
    assert len(rows) == 506


def test_boston_coefficients_match_lm() -> None:
    ref = json.loads((REFERENCE / "boston_lm_coef.json").read_text())["coefficients"]
    form = served_model("boston").form
    theirs = [ref["chas1" if n == "chas" else n] for n in model_spec("boston").feature_names]
    np.testing.assert_allclose(form.coef, theirs, rtol=1e-6)  # type: ignore[attr-defined]
    assert form.intercept == pytest.approx(ref["(Intercept)"], rel=1e-6)  # type: ignore[attr-defined]


def test_boston_trains_on_the_first_400_rows_only() -> None:
    data = load_training_data(model_spec("boston"), DATA_DIR)
    assert data.rows == 400
