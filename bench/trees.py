"""Imported tree models: our node-array form against the library's own ``predict_proba``, single-threaded.

Each family is fitted on 20,000 rows of ``make_classification`` (20 features), then both sides answer
the same 100,000 held-out rows; the artifact (JSON header + ``.npz`` arrays) is written and loaded back.
Run alone with ``python -m bench.trees [--record]``: it prints the table (and writes it into its own block of
docs/benchmarks.md); ``make bench`` puts the same rows in its report.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before the libraries load their thread pools: single-threaded

TRAIN_ROWS = 20_000
PREDICT_ROWS = 100_000
FEATURES = 20


@dataclass(frozen=True)
class TreeResult:
    family: str
    trees: int
    nodes: int
    library_s: float
    ours_s: float
    load_s: float
    worst_difference: float

    @property
    def ratio(self) -> float:
        return self.ours_s / self.library_s


def _data() -> tuple[Any, Any, Any]:
    from sklearn.datasets import make_classification

    x, y = make_classification(
        n_samples=TRAIN_ROWS + PREDICT_ROWS, n_features=FEATURES, n_informative=10, random_state=0
    )
    return x[:TRAIN_ROWS], y[:TRAIN_ROWS], x[TRAIN_ROWS:]


def _families() -> dict[str, Callable[[], Any]]:
    import lightgbm as lgb
    import xgboost as xgb
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

    return {
        "random forest (100 default trees)": lambda: RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1),
        "HistGradientBoosting (100 iterations)": lambda: HistGradientBoostingClassifier(random_state=0),
        "XGBoost (100 trees)": lambda: xgb.XGBClassifier(n_estimators=100, random_state=0, n_jobs=1),
        "LightGBM (100 trees)": lambda: lgb.LGBMClassifier(n_estimators=100, random_state=0, n_jobs=1, verbose=-1),
    }


def _path(estimator: Any) -> str:
    cls = type(estimator)
    top = cls.__module__.split(".")[0]
    return f"{cls.__module__.split('._')[0] if top == 'sklearn' else top}.{cls.__name__}"


def _timed(call: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _paired(library: Callable[[], Any], ours: Callable[[], Any], runs: int) -> tuple[float, Any, float, Any]:
    """Both sides timed in turns (library, ours, library, ...), each its best run: load on the shared cores
    then falls on both alike, where timing one side's runs and then the other's measured the load twice."""
    library_times, ours_times, expected, got = [], [], None, None
    for _ in range(runs):
        start = time.perf_counter()
        expected = library()
        library_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        got = ours()
        ours_times.append(time.perf_counter() - start)
    return min(library_times), expected, min(ours_times), got


def load_seconds(form: Any, runs: int) -> float:
    """Reading the artifact back: JSON header parsed, ``.npz`` loaded (no pickle), the form rebuilt, and its
    evaluation route chosen (a boosted model's bitvector tables built), as ``from_json`` does at load."""
    import json

    from core.prediction.node_trees import NodeTreesForm

    header = json.dumps(form.to_json())
    buffer = io.BytesIO()
    np.savez(buffer, **form.to_arrays())
    blob = buffer.getvalue()

    def load() -> Any:
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            return NodeTreesForm.from_json(json.loads(header), {name: npz[name] for name in npz.files})

    return _timed(load, runs)[0]


def measure(runs: int = 3) -> list[TreeResult]:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _measure(runs)


def _measure(runs: int) -> list[TreeResult]:
    from core.prediction.importing.trees import TREE_CONVERTERS

    x_train, y_train, x = _data()
    results = []
    for family, make in _families().items():
        estimator = make().fit(x_train, y_train)
        form = TREE_CONVERTERS[_path(estimator)](estimator)
        library_s, expected, ours_s, got = _paired(
            lambda: estimator.predict_proba(x)[:, 1],  # noqa: B023
            lambda: form.evaluate(x),  # noqa: B023
            runs,
        )
        results.append(
            TreeResult(
                family,
                int(form.roots.shape[0]),
                int(form.child.shape[0]),
                library_s,
                ours_s,
                load_seconds(form, runs),
                float(np.max(np.abs(got - expected))),
            )
        )
    return results


def million_node_forest(runs: int = 3) -> TreeResult:
    """A 100-tree regression forest grown to about a million nodes: its load time is the goal here."""
    from sklearn.ensemble import RandomForestRegressor

    from core.prediction.importing.trees import TREE_CONVERTERS

    rng = np.random.default_rng(0)
    x = rng.normal(size=(11_000, FEATURES))
    y = x[:, 0] + rng.normal(size=x.shape[0])
    forest = RandomForestRegressor(n_estimators=100, random_state=0, n_jobs=1).fit(x[:10_000], y[:10_000])
    form = TREE_CONVERTERS["sklearn.ensemble.RandomForestRegressor"](forest)
    library_s, expected, ours_s, got = _paired(
        lambda: forest.predict(x[10_000:]), lambda: form.evaluate(x[10_000:]), runs
    )
    nodes = int(form.child.shape[0])
    return TreeResult(
        "random forest regressor, 1,000 rows",
        100,
        nodes,
        library_s,
        ours_s,
        load_seconds(form, runs),
        float(np.max(np.abs(got - expected))),
    )


START, END = "<!-- bench-trees:start (python -m bench.trees --record) -->", "<!-- bench-trees:end -->"


def table(results: list[TreeResult]) -> str:
    """The rows under their heading, with when and how they were measured."""
    import platform

    lines = [
        "## Imported tree models: the served form against the library",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}, single-threaded, by `python -m bench.trees --record`: each family "
        f"fitted on {TRAIN_ROWS:,} rows of `make_classification` ({FEATURES} features), {PREDICT_ROWS:,} held-out "
        "rows answered by the library's `predict_proba` and by our form, the two timed in turns, best of 3 each; "
        "load: header parsed, `.npz` read (`allow_pickle=False`), form rebuilt and its route chosen. The last row "
        "is a forest grown to over a million nodes, for its load time. Ratios are what to compare across runs: "
        "the cores are shared with other work, which slows both sides.",
        "",
        "| family | trees | nodes | library | ours | ours / library | load | worst difference |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.family} | {r.trees} | {r.nodes:,} | {r.library_s:.3f} s | {r.ours_s:.3f} s | {r.ratio:.2f} | "
            f"{r.load_s * 1000:.1f} ms | {r.worst_difference:.1e} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    from pathlib import Path

    from bench.splice import splice

    parser = argparse.ArgumentParser(prog="python -m bench.trees", description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="write the table into docs/benchmarks.md")
    args = parser.parse_args(argv)
    text = table([*measure(), million_node_forest()])
    print(text)
    if args.record:
        splice(Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md", START, END, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
