"""``WARM_ANALYSES``: what a first chart request would load is loaded at start-up, and changes no answer."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.analysis.registry import ANALYSES
from handlers import warm
from handlers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _child(code: str, tmp_path: Path, **env: str) -> str:
    """Run ``code`` in a fresh interpreter (imports are per process) and return its last stdout line."""
    environment = {k: v for k, v in os.environ.items() if k != "WARM_ANALYSES"}
    environment.update(MPLCONFIGDIR=str(tmp_path / "matplotlib"), **env)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


PROBE = (
    "import sys, handlers.aws_lambda\n"
    "from core.analysis.tweets.lexicon import _read\n"
    "from core.analysis.tweets.sources.csv_file import _load_index\n"
    "print('loaded=' + ','.join(m for m in ('matplotlib', 'plotly') if m in sys.modules), "
    "_read.cache_info().currsize, _load_index.cache_info().currsize)"
)


def test_the_lambda_handler_loads_charts_lexicon_and_corpus_at_init_when_asked(tmp_path: Path) -> None:
    assert _child(PROBE, tmp_path, WARM_ANALYSES="true") == "loaded=matplotlib,plotly 1 1"
    assert _child(PROBE, tmp_path) == "loaded= 0 0"  # off by default: a prediction-only start stays light


def test_a_chart_drawn_after_the_warm_up_is_the_same_png(tmp_path: Path) -> None:
    code = (
        "import hashlib, sys\n"
        "from core.analysis import service as analytics\n"
        "from core.analysis.tweets.sources import bundled_source\n"
        "from core.analysis.registry import ANALYSES\n"
        "from core.analysis.warmup import warm_up\n"
        "source = bundled_source()\n"
        "if sys.argv[1:] == ['warm']: warm_up(source)\n"
        "query = {'users': ['realDonaldTrump'], 'n': ['400']}\n"
        "print(*(hashlib.sha256(analytics.png_chart(name, query, source, analytics.Limits())).hexdigest()"
        " for name in ANALYSES.all()))"
    )
    cold = _child(code, tmp_path)
    warmed = _child(code.replace("sys.argv[1:] == ['warm']", "True"), tmp_path)
    assert warmed == cold and len(cold.split()) == len(ANALYSES.all())


def test_a_failing_warm_up_is_logged_and_the_service_starts(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(source: object) -> float:
        raise OSError("no space left for the font cache")

    monkeypatch.setattr("core.analysis.warmup.warm_up", broken)
    settings = Settings(models_dir=ROOT / "models", cors_origins=("*",), max_batch_rows=10, max_body_bytes=10)
    warm.warm_analyses(settings)  # off: nothing is called
    assert not caplog.records
    warm.warm_analyses(dataclasses.replace(settings, warm_analyses=True))
    assert "warming up the analyses failed" in caplog.text and "no space left" in caplog.text
