"""Adding a model or an analysis edits nothing else: proven on a throwaway copy of the repository.

The copy gets one new model module (trained with ``python -m core.prediction.training NAME``, as
``make models`` does) and one new analysis module, and nothing else changes; then the whole recorded
corpus replays and the contract tests pass in it. Both names sort first in their registry, the
hardest place for a test or a recorded answer that lists the bundled ones by hand.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

MODEL = "a-throwaway"
MODEL_MODULE = '''"""A throwaway model: least squares of medv on two Boston features (see the test that writes it)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from core.prediction.converters import linear_form
from core.prediction.spec import Dataset, Feature, Fitted, ModelSpec


def train(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Fitted:
    from sklearn.linear_model import LinearRegression

    estimator = LinearRegression().fit(x, y)
    return Fitted(estimator=estimator, form=linear_form(estimator), metrics={}, reference=estimator.predict)


SPEC = ModelSpec(
    name="a-throwaway",
    version="0.0.1",
    description="Throwaway: median home value from rooms and crime rate.",
    task="regression",
    formula="medv ~ rm + crim",
    features=(Feature("rm", "number", "rooms per dwelling"), Feature("crim", "number", "crime rate")),
    target="medv",
    dataset=Dataset("boston_housing.csv"),
    train=train,
)
'''

ANALYSIS = "a-count"
ANALYSIS_MODULE = '''"""A throwaway analysis: tweets per period (see the test that writes it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from core.analysis.charts import Chart
from core.analysis.periods import UNIT, period_starts
from core.analysis.spec import AnalysisSpec, Table
from core.analysis.tweets.types import Tweet


def count(tweets: Sequence[Tweet], options: Mapping[str, str]) -> Table:
    counts = Counter(period_starts(tweets, options["unit"]))
    return Table(dates=sorted(counts), values={"tweets": [counts[d] for d in sorted(counts)]})


SPEC = AnalysisSpec(
    name="a-count",
    title="Throwaway count per {unit}",
    description="Throwaway: tweets per period.",
    measures=("tweets",),
    compute=count,
    chart=Chart(kind="lines", measure="tweets", y_label="tweets"),
    parameters=(UNIT,),
)
'''

TESTS_IN_THE_COPY = [
    "tests/handlers/test_contract.py",
    "tests/tweets/test_routes.py::test_png_charts_are_800_by_450_like_rs",
    "tests/tweets/test_routes.py::test_openapi_documents_every_analysis_route",
    "tests/tweets/test_analyses.py::test_the_registry_finds_every_analysis_module_and_names_the_known_ones",
]
"""The contract tests, and the analysis tests that read the registry, run in the copy."""

SEEN_BY_THE_COPY = (
    "import core, pathlib; from core.prediction.registry import MODELS; from core.analysis.registry import ANALYSES; "
    "print(pathlib.Path(core.__file__).parent, next(iter(MODELS.all())), next(iter(ANALYSES.all())))"
)
"""Which ``core`` the copy imports, and the first name of each registry there."""

LEFT_OUT = {".git", ".venv", "node_modules", ".serverless", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def _project_files() -> list[str]:
    """The repository's files as a clone has them (``git ls-files``, with new files not yet committed)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an unpacked archive): copy the tree
        return [
            str(p.relative_to(ROOT))
            for p in ROOT.rglob("*")
            if not p.is_dir() and not LEFT_OUT & set(p.relative_to(ROOT).parts) and "__pycache__" not in p.parts
        ]
    return [name for name in out.decode().split("\0") if name and name.split("/")[0] not in LEFT_OUT]


def _copy(destination: Path) -> Path:
    copy = destination / "repo"
    copy.mkdir()
    with tarfile.open(destination / "repo.tar", "w") as archive:
        for name in _project_files():
            if (ROOT / name).exists() or (ROOT / name).is_symlink():
                archive.add(ROOT / name, arcname=name, recursive=False)
    with tarfile.open(destination / "repo.tar") as archive:
        archive.extractall(copy, filter="tar")
    return copy


def _run(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"MODELS_DIR", "PYTHONPATH"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_new_model_and_a_new_analysis_need_no_other_edit(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    (copy / "core/prediction/models/a_throwaway.py").write_text(MODEL_MODULE)
    (copy / "core/analysis/analyses/a_count.py").write_text(ANALYSIS_MODULE)

    trained = _run(copy, "-m", "core.prediction.training", MODEL)
    assert trained.returncode == 0, trained.stdout + trained.stderr
    assert (copy / "models" / f"{MODEL}.model.json").is_file()
    seen = _run(copy, "-c", SEEN_BY_THE_COPY)
    assert seen.stdout.split() == [str(copy / "core"), MODEL, ANALYSIS], seen.stderr  # its own core, new names first

    replayed = _run(copy, "-m", "emulator", "replay")
    assert replayed.returncode == 0, "\n".join(line for line in replayed.stdout.splitlines() if line[:1] != "o")
    assert replayed.stdout.rstrip().endswith(" 0 failed")

    tested = _run(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS_IN_THE_COPY)
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-2000:]
    assert " passed" in tested.stdout and "skipped" not in tested.stdout.splitlines()[-1]
