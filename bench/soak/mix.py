"""The soak's request mix: every route with good and bad inputs, and a few without a key or with a wrong one.

The mix is written as a TSV that ``soak.lua`` replays (one request a line); bad inputs must answer 4xx,
never 5xx.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from bench.servers import ROOT

Request = tuple[str, str, str, int, str]
"""Method, target, content type, key (1: the API key, 2: a wrong one, 0: none), body."""


def _rows(path: Path, columns: list[str], count: int) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return [{c: row[c] for c in columns} for _, row in zip(range(count), csv.DictReader(handle), strict=False)]


def model_requests() -> list[Request]:
    """The prediction routes, each with good and bad inputs (the bad ones answer 4xx, never 5xx)."""
    pima = ["pregnant", "glucose", "pressure", "triceps", "insulin", "mass", "pedigree", "age"]
    boston = ["crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax"]
    gbm_rows = _rows(ROOT / "data" / "pima_indians_diabetes.csv", pima, 50)
    boston_rows = _rows(ROOT / "data" / "boston_housing.csv", boston, 20)
    book_rows = [{k: float(r[k]) for k in ("pregnant", "glucose", "pressure")} for r in gbm_rows[:20]]
    csv_body = ",".join(pima) + "\\n" + "\\n".join(",".join(r[c] for c in pima) for r in gbm_rows) + "\\n"
    columns = json.dumps({"columns": {c: [float(r[c]) for r in boston_rows] for c in boston}})
    query = "&".join(f"{k}={v}" for k, v in boston_rows[0].items())
    gbm_query = "&".join(f"{k}={v}" for k, v in gbm_rows[1].items())
    j, c = "application/json", "text/csv"
    return [
        ("GET", "/health", "", 0, ""),
        ("GET", "/predict_data?pregnant=1&glucose=3&pressure=1", "", 1, ""),
        ("GET", "/predict_data?pregnant=6&pregnant=1&glucose=148&glucose=85&pressure=72&pressure=66", "", 1, ""),
        ("GET", f"/models/boston/predict_data?{query}", "", 1, ""),
        ("GET", f"/models/diabetes-gbm/predict_data?{gbm_query}", "", 1, ""),
        ("POST", "/models/diabetes/predict", j, 1, json.dumps({"rows": book_rows})),
        ("POST", "/models/diabetes-gbm/predict", c, 1, csv_body),
        ("POST", "/models/boston/predict", j, 1, columns),
        ("GET", "/models", "", 1, ""),
        ("GET", "/models/diabetes-gbm", "", 1, ""),
        # invalid: each answers its own 4xx
        ("GET", "/predict_data?pregnant=x&glucose=3&pressure=1", "", 1, ""),
        ("GET", "/predict_data", "", 1, ""),
        ("GET", "/predict_data?pregnant=1&glucose=3&pressure=1&extra=2", "", 1, ""),
        ("GET", "/predict_data?pregnant=1e999&glucose=3&pressure=1", "", 1, ""),
        ("GET", "/models/nope/predict_data?a=1", "", 1, ""),
        ("POST", "/models/diabetes/predict", j, 1, '{"rows": [{"pregnant": 1,'),
        ("POST", "/models/diabetes/predict", "text/plain", 1, "hello"),
        ("POST", "/models/diabetes/predict", j, 1, '{"rows": []}'),
        ("POST", "/models/diabetes/predict", j, 1, '{"rows": [{"pregnant": true, "glucose": 1, "pressure": 1}]}'),
        ("POST", "/models/diabetes-gbm/predict", c, 1, "pregnant,glucose\\n1,2\\n"),
        ("GET", "/no/such/route", "", 1, ""),
        ("DELETE", "/models", "", 1, ""),
        # no key, or a wrong one: 401
        ("GET", "/predict_data?pregnant=1&glucose=3&pressure=1", "", 0, ""),
        ("POST", "/models/diabetes/predict", j, 2, json.dumps({"rows": book_rows[:1]})),
    ]


def analysis_requests(paths: set[str]) -> list[Request]:
    """The tweet analyses, when the server has them: JSON, a PNG chart, and bad parameters."""
    if "/api/frequency" not in paths:
        return []
    return [
        ("GET", "/api/frequency?users=realDonaldTrump&n=400", "", 1, ""),
        ("GET", "/api/sentiment?users=realDonaldTrump&n=400", "", 1, ""),
        ("GET", "/frequency?users=realDonaldTrump&n=200", "", 1, ""),
        ("GET", "/api/sentiment?users=not%20a%20handle", "", 1, ""),
        ("GET", "/api/frequency?users=realDonaldTrump&n=0", "", 1, ""),
        ("GET", "/api/frequency?users=nosuchaccount_42", "", 1, ""),
    ]


def write(requests: list[Request], path: Path) -> None:
    """One request a line, as ``soak.lua`` reads them (a body's newlines are already written ``\\n``)."""
    path.write_text("".join(f"{m}\t{t}\t{c}\t{k}\t{b}\n" for m, t, c, k, b in requests))
