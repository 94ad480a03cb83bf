"""Scoring a local file: every input column kept, answers as the HTTP routes give them, bad rows refused by name."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from core.errors import InvalidInputError
from core.prediction import service
from core.prediction.registry import MODELS
from core.scoring.job import ScoreRequest, score
from core.scoring.shards import Shard
from handlers.storage import storage_for
from tests.scoring.conftest import FEATURES, diabetes_csv, read


def _score(tmp_path: Path, body: bytes, name: str = "in.csv", out: str = "out.csv", **kw: object) -> dict:
    source = tmp_path / name
    if not source.exists() or source.read_bytes() != body:
        source.write_bytes(body)
    return score(ScoreRequest(kw.pop("model", "diabetes"), str(source), str(tmp_path / out), **kw), storage_for)


def _http_answer(model: str, header: list[str], rows: list[list[str]]) -> dict:
    body = "\n".join(",".join(r) for r in [header, *rows]).encode()
    return service.predict_batch(model, body, "text/csv")


def test_output_keeps_every_input_column_then_the_answers_of_the_http_route(tmp_path: Path) -> None:
    manifest = _score(tmp_path, diabetes_csv(500))
    out = read(tmp_path / "out.csv")
    source = read(tmp_path / "in.csv")
    assert out[0] == [*source[0], "prediction", "probability"]
    assert [row[:4] for row in out[1:]] == source[1:]
    http = _http_answer("diabetes", list(FEATURES), [row[1:] for row in source[1:]])
    assert [row[4] for row in out[1:]] == http["predictions"]
    assert [float(row[5]) for row in out[1:]] == http["probabilities"]
    assert manifest["status"] == "complete"
    assert manifest["rows"] == {"read": 500, "scored": 500, "refused": 0}
    assert manifest["output"]["sha256"] == hashlib.sha256((tmp_path / "out.csv").read_bytes()).hexdigest()
    assert manifest["version"] == service.served_model("diabetes").version


def test_columns_may_come_in_any_order_and_a_regression_answers_prediction_only(tmp_path: Path) -> None:
    spec = next(spec for spec in MODELS.all().values() if not spec.is_classifier)
    example = service.describe_model(spec.name)["example_row"]
    names = list(reversed(spec.feature_names))
    body = (",".join(names) + "\n" + ",".join(str(example[n]) for n in names) + "\n").encode()
    _score(tmp_path, body, model=spec.name)
    out = read(tmp_path / "out.csv")
    assert out[0] == [*names, "prediction"]
    assert float(out[1][-1]) == service.predict_matrix(spec.name, _row(spec, example))["predictions"][0]


def _row(spec, example):
    import numpy as np

    return np.array([[float(example[n]) for n in spec.feature_names]])


BAD_VALUES = ["abc", "", "1.5", "nan", "1e999", "0x10", "1_0", "true"]


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_refused_row_gets_the_http_message_and_the_others_are_scored(tmp_path: Path, value: str) -> None:
    body = f"id,pregnant,glucose,pressure\na,1,3,1\nb,{value},3,1\nc,6,148,72\n".encode()
    manifest = _score(tmp_path, body)
    assert [row[0] for row in read(tmp_path / "out.csv")[1:]] == ["a", "c"]
    [error] = [json.loads(line) for line in (tmp_path / "out.csv.errors.jsonl").read_text().splitlines()]
    with pytest.raises(InvalidInputError) as http:
        _http_answer("diabetes", list(FEATURES), [[value, "3", "1"]])
    assert error["row"] == 2 and error["field"] == "pregnant" == http.value.field
    assert error["message"] == http.value.message.replace("row 0:", "row 2:")
    assert manifest["rows"] == {"read": 3, "scored": 2, "refused": 1}


def test_rows_of_the_wrong_width_are_refused_and_quoted_extra_columns_kept(tmp_path: Path) -> None:
    body = b'id,pregnant,glucose,pressure\n"a,1",1,3,1\nb,1,3\r\n\nc,1,3,1,9\nd,6,148,72\r\n'
    _score(tmp_path, body)
    assert [row[0] for row in read(tmp_path / "out.csv")[1:]] == ["a,1", "d"]
    errors = [json.loads(line) for line in (tmp_path / "out.csv.errors.jsonl").read_text().splitlines()]
    assert [(e["row"], e["message"]) for e in errors] == [
        (2, "row 2: has 3 fields but the header has 4"),
        (3, "row 3: has 5 fields but the header has 4"),
    ]
    assert body[errors[0]["offset"] :].startswith(b"b,1,3")


def test_json_lines_keep_each_object_as_sent_and_append_the_answers(tmp_path: Path) -> None:
    lines = [
        b'{"id": "a", "pregnant": 1, "glucose": 3, "pressure": 1, "note": {"k": [1, 2]}}',
        b'{"pregnant": true, "glucose": 3, "pressure": 1}',
        b"[1, 2]",
        b'{"glucose": 3, "pressure": 1}',
        b'{"pregnant": 6, "glucose": 148, "pressure": 72}',
    ]
    manifest = _score(tmp_path, b"\n".join(lines) + b"\n", name="in.jsonl", out="out.jsonl")
    out = (tmp_path / "out.jsonl").read_bytes().splitlines()
    assert out[0].startswith(lines[0][:-1] + b",")
    first, last = json.loads(out[0]), json.loads(out[1])
    assert list(first) == ["id", "pregnant", "glucose", "pressure", "note", "prediction", "probability"]
    http = service.predict_batch("diabetes", b'{"rows":[{"pregnant":1,"glucose":3,"pressure":1}]}', "application/json")
    assert (first["prediction"], first["probability"]) == (http["predictions"][0], http["probabilities"][0])
    assert last["pregnant"] == 6
    errors = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert [(e["row"], e["field"]) for e in errors] == [(2, "pregnant"), (3, "row"), (4, "pregnant")]
    assert errors[0]["message"] == "row 2: field 'pregnant' must be a number, got bool"
    assert manifest["rows"] == {"read": 5, "scored": 2, "refused": 3}


def test_gzip_in_and_out_by_suffix(tmp_path: Path) -> None:
    body = diabetes_csv(300)
    _score(tmp_path, gzip.compress(body), name="in.csv.gz", out="out.csv.gz")
    _score(tmp_path, body, name="plain.csv", out="plain-out.csv")
    assert gzip.decompress((tmp_path / "out.csv.gz").read_bytes()) == (tmp_path / "plain-out.csv").read_bytes()


@pytest.mark.parametrize("count", [1, 2, 3, 7, 40])
@pytest.mark.parametrize("name", ["in.csv", "in.jsonl"])
def test_the_parts_rows_in_order_are_exactly_the_unsharded_rows(tmp_path: Path, count: int, name: str) -> None:
    body = diabetes_csv(200, seed=count)
    if name.endswith(".jsonl"):
        rows = read_csv_bytes(body)
        body = b"".join(json.dumps(dict(zip(rows[0], r, strict=True))).encode() + b"\n" for r in rows[1:])
    ext = name.split(".", 1)[1]
    whole = _score(tmp_path, body, name=name, out=f"whole.{ext}")
    parts = [_score(tmp_path, body, name=name, out="parts", shard=Shard(i, count)) for i in range(count)]
    data = [(tmp_path / "parts" / Shard(i, count).part_name(ext)).read_bytes() for i in range(count)]
    if ext == "csv":
        header = (tmp_path / "whole.csv").read_bytes().split(b"\n", 1)[0] + b"\n"
        assert all(part.startswith(header) for part in data)
        data = [part[len(header) :] for part in data]
        whole_rows = (tmp_path / "whole.csv").read_bytes()[len(header) :]
    else:
        whole_rows = (tmp_path / "whole.jsonl").read_bytes()
    assert b"".join(data) == whole_rows
    assert sum(p["rows"]["read"] for p in parts) == whole["rows"]["read"] == 200


def read_csv_bytes(body: bytes) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(body.decode())))


def test_a_gzip_input_is_scored_whole_by_shard_0_and_the_other_parts_are_empty(tmp_path: Path) -> None:
    body = gzip.compress(diabetes_csv(50))
    parts = [_score(tmp_path, body, name="in.csv.gz", out="p", shard=Shard(i, 3)) for i in range(3)]
    assert [p["rows"]["read"] for p in parts] == [50, 0, 0]
    empty = gzip.decompress((tmp_path / "p" / "part-00001-of-00003.csv.gz").read_bytes())
    assert empty == b"id,pregnant,glucose,pressure,prediction,probability\n"


def test_a_repeated_run_rewrites_the_same_outputs(tmp_path: Path) -> None:
    body = diabetes_csv(100) + b"x,1,2\n"
    first = _score(tmp_path, body, out="out.csv.gz")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if not p.name.endswith("manifest.json")}
    second = _score(tmp_path, body, out="out.csv.gz")
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if not p.name.endswith("manifest.json")}
    assert before == after
    same = ("started_at", "finished_at")
    assert {k: v for k, v in first.items() if k not in same} == {k: v for k, v in second.items() if k not in same}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"", "input"),
        (b"\n\n", "input"),
        (b"id,glucose,pressure\n1,2,3\n", "pregnant"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\xff\xfe", "header"),
        (b"pregnant,glucose,pressure,prediction\n1,2,3,4\n", "prediction"),
    ],
    ids=["empty", "blank", "missing-column", "binary", "reserved-column"],
)
def test_an_input_that_cannot_be_scored_ends_in_an_error_manifest(tmp_path: Path, body: bytes, field: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        _score(tmp_path, body)
    manifest = json.loads((tmp_path / "out.csv.manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert manifest["error"] == {"type": type(refused.value).__name__, "message": refused.value.message, "field": field}
    assert manifest["rows"] == {"read": 0, "scored": 0, "refused": 0} and manifest["output"] is None
    assert not (tmp_path / "out.csv").exists()


def test_binary_garbage_as_json_lines_is_refused_row_by_row(tmp_path: Path) -> None:
    garbage = bytes(range(256)) * 50
    manifest = _score(tmp_path, garbage, name="in.jsonl", out="out.jsonl")
    assert manifest["status"] == "complete" and manifest["rows"]["scored"] == 0
    assert manifest["rows"]["refused"] == manifest["rows"]["read"] > 0
    assert (tmp_path / "out.jsonl").read_bytes() == b""


def test_a_100_mb_line_is_one_refused_row_and_is_never_held_in_memory(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    with source.open("wb") as f:
        f.write(b"id,pregnant,glucose,pressure\na,1,3,1\nhuge,")
        for _ in range(100):
            f.write(b"9" * (1 << 20))
        f.write(b",1,1\nz,6,148,72\n")
    manifest = score(ScoreRequest("diabetes", str(source), str(tmp_path / "out.csv")), storage_for)
    assert manifest["rows"] == {"read": 3, "scored": 2, "refused": 1}
    [error] = [json.loads(line) for line in (tmp_path / "out.csv.errors.jsonl").read_text().splitlines()]
    assert error["row"] == 2 and error["field"] == "row" and "bytes long" in error["message"]


def test_a_header_row_needs_every_feature_and_the_output_must_be_the_input_format(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="output must be CSV"):
        _score(tmp_path, diabetes_csv(3), out="out.jsonl")
    with pytest.raises(InvalidInputError, match="neither CSV nor JSON Lines"):
        _score(tmp_path, diabetes_csv(3), name="in.txt")
