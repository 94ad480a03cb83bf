"""The answer columns follow the answer's shape: regression, binary classifier, and a multiclass answer
(``classes`` and one probability list per row, the shape multiclass models are being given)."""

from __future__ import annotations

import csv
import io
import json

from core.scoring import output

MULTICLASS = {
    "predictions": ["setosa", "vir,ginica"],
    "probabilities": [[0.9, 0.05, 0.05], [0.1, 0.2, 0.7]],
    "classes": ["setosa", "versicolor", "vir,ginica"],
    "model": "iris",
    "version": "1.0.0",
}


def test_a_multiclass_answer_gives_one_probability_column_per_class_in_csv() -> None:
    columns = output.answer_columns(MULTICLASS)
    assert columns == ("prediction", "probability_setosa", "probability_versicolor", "probability_vir,ginica")
    text = (output.csv_header(b"id,x", columns) + output.csv_rows([b"a,1", b"b,2"], MULTICLASS)).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["id", "x", *columns]
    assert rows[1:] == [["a", "1", "setosa", "0.9", "0.05", "0.05"], ["b", "2", "vir,ginica", "0.1", "0.2", "0.7"]]


def test_a_multiclass_answer_in_json_lines_keeps_each_object_and_adds_the_columns() -> None:
    lines = output.jsonl_rows([b'{"id": "a", "x": 1}', b"{}"], MULTICLASS).splitlines()
    assert json.loads(lines[0]) == {
        "id": "a",
        "x": 1,
        "prediction": "setosa",
        "probability_setosa": 0.9,
        "probability_versicolor": 0.05,
        "probability_vir,ginica": 0.05,
    }
    assert list(json.loads(lines[1])) == ["prediction", *(f"probability_{c}" for c in MULTICLASS["classes"])]


def test_binary_and_regression_shapes() -> None:
    assert output.answer_columns({"predictions": ["yes"], "probabilities": [0.7]}) == ("prediction", "probability")
    assert output.answer_columns({"predictions": [22.5]}) == ("prediction",)
    assert output.csv_rows([b"1"], {"predictions": [22.5]}) == b"1,22.5\n"


def test_a_binary_classifier_naming_its_classes_gives_one_probability_column() -> None:
    """An imported binary classifier answers ``classes`` and the probability of ``classes[1]``: one column."""
    answer = {"predictions": ["b", "a"], "probabilities": [0.75, 0.25], "classes": ["a", "b"]}
    assert output.answer_columns(answer) == ("prediction", "probability")
    assert output.csv_rows([b"1", b"2"], answer) == b"1,b,0.75\n2,a,0.25\n"
    assert [json.loads(line)["probability"] for line in output.jsonl_rows([b"{}", b"{}"], answer).splitlines()] == [
        0.75,
        0.25,
    ]
