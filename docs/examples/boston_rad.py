"""The bundled imported model ``boston-rad``: how it was fitted and imported (training side only).

A scikit-learn pipeline on the bundled Boston data (``data/boston_housing.csv``, mlbench 2.1-3; see
``data/README.md`` for its source and licence): the median home value from rooms, lower-status share and
crime rate (standardised) and the radial-highway index ``rad`` as a one-hot category (an index the fit has
not seen is ignored), by ridge regression. It is served from ``models/boston-rad.*`` like any model a
user imports, and the recorded emulator cases ``*boston_rad*`` replay it. Regenerate with::

    .venv/bin/python docs/examples/boston_rad.py /tmp/boston-rad
    .venv/bin/python -m handlers.cli.main models import /tmp/boston-rad/model.joblib --name boston-rad \\
        --sample /tmp/boston-rad/sample.csv --description "Median home value (thousands of dollars) from \\
        rooms, lower-status share, crime rate and the radial-highway index as a category: an imported \\
        scikit-learn pipeline on all 506 rows of mlbench's BostonHousing"
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ("rm", "lstat", "crim", "rad")


def main(out: Path) -> None:
    import joblib  # training side only, like every scikit-learn import in the project
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    with (ROOT / "data" / "boston_housing.csv").open(newline="") as handle:
        records = list(csv.DictReader(handle))
    x = np.array([[float(r[c]) for c in COLUMNS] for r in records])
    y = np.array([float(r["medv"]) for r in records])
    model = make_pipeline(
        ColumnTransformer(
            [("numbers", StandardScaler(), [0, 1, 2]), ("rad", OneHotEncoder(handle_unknown="ignore"), [3])]
        ),
        Ridge(alpha=1.0),
    ).fit(x, y)
    out.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out / "model.joblib")
    with (out / "sample.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([[r[c] for c in COLUMNS] for r in records])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
