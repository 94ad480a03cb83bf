"""``python -m core.prediction.training [NAME ...]``: retrain the declared models from ``data/``; write artifacts.

This is the only place scikit-learn is imported (through each spec's ``train``). Before writing, every
model's served form is checked against the fitted estimator on every training row, so an artifact
that would answer differently from scikit-learn is never written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from core.paths import DATA_DIR, MODELS_DIR
from core.prediction.artifacts import write_model
from core.prediction.datasets import load_training_data
from core.prediction.registry import MODELS
from core.prediction.spec import Fitted, ModelSpec

AGREEMENT = 1e-9
"""Largest difference allowed between the served form and the estimator on a training row."""


def check_agreement(spec: ModelSpec, fitted: Fitted, x: np.ndarray) -> float:
    """Largest absolute difference between the served form and the estimator; raise if above ``AGREEMENT``."""
    if fitted.reference is None:
        raise ValueError(f"{spec.name}: train() gave no reference function to check the served form against")
    gap = float(np.max(np.abs(fitted.form.evaluate(x) - fitted.reference(x))))
    if gap > AGREEMENT:
        raise ValueError(f"{spec.name}: served form differs from the estimator by {gap:.3g} > {AGREEMENT}")
    return gap


def train_one(spec: ModelSpec, data_dir: Path, models_dir: Path) -> str:
    data = load_training_data(spec, data_dir)
    fitted = spec.train(data.x, data.y)
    gap = check_agreement(spec, fitted, data.x)
    meta = write_model(spec, fitted, data, models_dir)
    metrics = ", ".join(f"{k}={v:.4g}" for k, v in meta["metrics"].items())
    return f"{spec.name} {spec.version}: {data.rows} rows, max gap {gap:.1e}, {metrics}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.prediction.training", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="models to train (default: all)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--models-dir", type=Path, default=MODELS_DIR)
    args = parser.parse_args(argv)
    specs = [MODELS.get(n) for n in args.names] if args.names else list(MODELS.all().values())

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=False) as progress:
        task = progress.add_task("training", total=len(specs))
        for spec in specs:
            progress.update(task, description=f"training {spec.name}")
            started = time.perf_counter()
            line = train_one(spec, args.data_dir, args.models_dir)
            progress.console.print(f"[green]✓[/] {line} ({time.perf_counter() - started:.2f} s)")
            progress.advance(task)
        progress.update(task, description="done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
