"""Start-up with ``MODELS_URI``: where refreshes run on each platform, SnapStart, the adapters sharing the store."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.scoring.job import ScoreRequest
from handlers import bootstrap, models_source, scoring
from handlers.cli.main import main
from handlers.settings import settings
from tests.store.conftest import MODEL, promote, publish


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A store serving diabetes 2.0.0 at prod, named by the environment the adapters read."""
    uri = f"file:{tmp_path / 'store'}"
    publish(uri, "1.0.0", "2.0.0")
    promote(uri, "2.0.0")
    monkeypatch.setenv("MODELS_URI", uri)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    settings.cache_clear()
    models_source.store_catalogue.cache_clear()
    yield uri
    catalogue = models_source.models(settings())
    if hasattr(catalogue, "close"):
        catalogue.close()
    settings.cache_clear()
    models_source.store_catalogue.cache_clear()


def test_batch_scoring_answers_with_the_stores_version(store: str, tmp_path: Path) -> None:
    table = tmp_path / "in.csv"
    table.write_text("pregnant,glucose,pressure\n1,150,70\n6,148,72\n")
    outcome = scoring.run(ScoreRequest(MODEL, str(table), str(tmp_path / "out.csv")), "test")
    assert outcome.status == "complete", outcome
    manifest = json.loads((tmp_path / "out.csv.manifest.json").read_text())
    assert manifest["version"] == "2.0.0"


def test_the_score_command_of_a_cloud_run_job_answers_with_the_stores_version(store: str, tmp_path: Path) -> None:
    """The job runs ``serverless-ml score`` with the service's environment: MODELS_URI, not the bundled models."""
    table = tmp_path / "in.csv"
    table.write_text("pregnant,glucose,pressure\n1,150,70\n")
    argv = ["score", "--model", MODEL, "--input", str(table), "--output", str(tmp_path / "out.csv")]
    assert main(argv) == 0
    assert json.loads((tmp_path / "out.csv.manifest.json").read_text())["version"] == "2.0.0"


def test_cloud_run_refreshes_in_a_thread_lambda_and_cloud_functions_at_a_request(store: str) -> None:
    catalogue: Any = models_source.models(settings())
    bootstrap.schedule_refreshes(catalogue, bootstrap.AWS_LAMBDA)
    bootstrap.schedule_refreshes(catalogue, bootstrap.CLOUD_FUNCTIONS)
    assert catalogue._thread is None and catalogue._lazy
    bootstrap.schedule_refreshes(catalogue, bootstrap.CLOUD_RUN)
    assert catalogue._thread is not None and catalogue._thread.daemon and not catalogue._lazy


def test_after_a_snapstart_restore_the_first_invocation_refreshes(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    hooks: list[Any] = []
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_after_restore = hooks.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)
    catalogue: Any = models_source.models(settings())
    bootstrap.schedule_refreshes(catalogue, bootstrap.AWS_LAMBDA)
    assert hooks == [catalogue.mark_due]
    promote(store, "1.0.0")  # while the snapshot sat on the shelf
    assert catalogue.served(MODEL).version == "2.0.0"
    hooks[0]()  # the runtime restores the snapshot
    assert catalogue.served(MODEL).version == "1.0.0"
