"""Imported tree models: our node-array form against the library's own ``predict_proba``, single-threaded.

Each family is fitted on 20,000 rows of ``make_classification`` (20 features), then both sides answer
the same 100,000 held-out rows; the artifact (JSON header + ``.npz`` arrays) is written and loaded back.
Run alone with ``OMP_NUM_THREADS=1 python -m bench.trees``: it prints the table.
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


def main() -> None:
    for r in [*measure(), million_node_forest()]:
        print(
            f"| {r.family} | {r.trees} | {r.nodes:,} | {r.library_s:.3f} s | {r.ours_s:.3f} s | {r.ratio:.2f} | "
            f"{r.load_s * 1000:.1f} ms | {r.worst_difference:.1e} |"
        )


if __name__ == "__main__":
    main()
