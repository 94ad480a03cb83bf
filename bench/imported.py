"""``python -m bench.imported [--rows N] [--record]``: imported models, served form against the library itself.

For each family in ``FAMILIES``: fit on Pima-like rows with a categorical column, import with the command's own
code into a temporary directory, then time (single-threaded, best of ``REPEATS``) the library's
``predict_proba``/``predict`` and the served form on the same ``N`` rows (the form on the matrix the input layer
makes, which is what serving evaluates), and loading the artifact (sha256 check and arrays, cold). ``--record``
writes the table into its own block of docs/benchmarks.md; ``make bench``'s block is left alone.
"""

from __future__ import annotations

import argparse
import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # single-threaded, for the library and for numpy alike

import csv  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from bench.splice import splice  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- bench-imported:start (python -m bench.imported --record) -->", "<!-- bench-imported:end -->"
REPEATS = 5
REGIONS = ("north", "south", "east", "west")
NUMBERS = ("pregnant", "glucose", "pressure", "mass")


def _linear_one_hot() -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    region = make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore"))
    return make_pipeline(ColumnTransformer([("n", numbers, [0, 1, 2, 3]), ("r", region, [4])]), LogisticRegression())


FAMILIES: dict[str, Callable[[], Any]] = {
    "linear pipeline with one-hot (LogisticRegression)": _linear_one_hot,
}
"""Family name -> an unfitted estimator reading the columns ``pregnant, glucose, pressure, mass, region``."""


def _rows(n: int, seed: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """``n`` rows resampled from the Pima data with jitter, a region (10 % missing) and the Pima target."""
    with (ROOT / "data" / "pima_indians_diabetes.csv").open() as handle:
        records = list(csv.DictReader(handle))
    rng = np.random.default_rng(seed)
    picked = rng.integers(0, len(records), n)
    numbers = np.array([[float(records[i][c]) for c in NUMBERS] for i in picked]) + rng.normal(0, 0.5, (n, 4))
    region = rng.choice(np.array(REGIONS, dtype=object), n)
    region[rng.random(n) < 0.1] = np.nan
    x = np.empty((n, 5), dtype=object)
    x[:, :4], x[:, 4] = numbers, region
    y = np.array([records[i]["diabetes"] for i in picked])
    return x, y


def _best(work: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(name: str, build: Callable[[], Any], rows: int, directory: Path) -> dict[str, Any]:
    import joblib

    from core.prediction.artifacts import load_model
    from core.prediction.features import matrix_from_columns
    from core.prediction.importing.importer import import_model
    from core.prediction.registry import model_spec

    x, y = _rows(5_000, 1)
    estimator = build().fit(x, y)
    joblib.dump(estimator, directory / "model.joblib")
    with (directory / "sample.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*NUMBERS, "region"])
        writer.writerows([["" if v != v else v for v in row] for row in x[:200]])
    models = directory / "models"
    import_model(directory / "model.joblib", "bench", directory / "sample.csv", models)
    spec = model_spec("bench", models)
    started = time.perf_counter()
    served = load_model(spec, models)
    load_seconds = time.perf_counter() - started
    test, _ = _rows(rows, 2)
    columns = {f.name: [None if v != v else v for v in test[:, j].tolist()] for j, f in enumerate(spec.features)}
    matrix = matrix_from_columns(spec, columns, rows)
    library = _best(lambda: estimator.predict_proba(test))
    ours = _best(lambda: served.form.evaluate(matrix))
    parse = _best(lambda: matrix_from_columns(spec, columns, rows))
    return {"family": name, "rows": rows, "library": library, "ours": ours, "parse": parse, "load": load_seconds}


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "## Imported models: the served form against the library",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}, single-threaded (`OMP_NUM_THREADS=1`), best of {REPEATS}, by "
        "`python -m bench.imported --record`. `ours` is the served form on the matrix the input layer makes; "
        "`input` is that layer reading the rows as JSON columns (strings, nulls) into it, which the library "
        "does inside its own `predict_proba`; `load` is the artifact read, hashed and rebuilt, once.",
        "",
        "| family | rows | library `predict_proba` | ours (form) | ours / library | input (JSON columns) | load |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['family']} | {r['rows']:,} | {r['library'] * 1e3:.1f} ms | {r['ours'] * 1e3:.1f} ms "
            f"| {r['ours'] / r['library']:.2f} | {r['parse'] * 1e3:.0f} ms | {r['load'] * 1e3:.1f} ms |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imported", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--record", action="store_true", help="write the table into docs/benchmarks.md")
    args = parser.parse_args(argv)
    results = []
    for name, build in FAMILIES.items():
        with tempfile.TemporaryDirectory() as directory:
            results.append(measure(name, build, args.rows, Path(directory)))
    text = table(results)
    print(text)
    if args.record:
        splice(ROOT / "docs" / "benchmarks.md", START, END, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
