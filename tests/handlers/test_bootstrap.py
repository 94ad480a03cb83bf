"""One start-up for every adapter (``handlers.bootstrap``): the same warm-ups everywhere, threads only after a fork."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from core.analysis.registry import ANALYSES
from handlers import bootstrap
from handlers.settings import Settings
from tests.handlers.conftest import fresh_interpreter

ROOT = Path(__file__).resolve().parents[2]


def _child(code: str, tmp_path: Path, **env: str) -> str:
    return fresh_interpreter(code, MPLCONFIGDIR=str(tmp_path / "matplotlib"), **env)


STATE = (
    "def state():\n"
    "    import sys\n"
    "    from core.analysis.tweets.lexicon import _read\n"
    "    from core.prediction.artifacts import load_model\n"
    "    from core.prediction.registry import model_specs\n"
    "    models = load_model.cache_info().currsize == len(model_specs()) > 0\n"
    "    charts = 'matplotlib' in sys.modules and 'plotly' in sys.modules and _read.cache_info().currsize == 1\n"
    "    return f'models={models} charts={charts}'\n"
)


@pytest.mark.parametrize("adapter", ["handlers.aws_lambda", "handlers.cloud_run"])
def test_each_adapter_that_serves_where_it_imports_warms_everything_at_import(adapter: str, tmp_path: Path) -> None:
    code = f"{STATE}import {adapter}\nprint(state())"
    assert _child(code, tmp_path, WARM_ANALYSES="true") == "models=True charts=True"
    assert _child(code, tmp_path) == "models=True charts=False"  # the analyses only where a deployment asks


def test_cloud_functions_warm_models_before_the_fork_and_charts_only_in_the_forked_worker(tmp_path: Path) -> None:
    """gunicorn imports main.py, then forks: the chart threads must start in the worker, or drawing hangs there."""
    code = (
        f"{STATE}import os, main\n"
        "before = state()\n"
        "reader, writer = os.pipe()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    from core.analysis import service\n"
        "    from core.analysis.tweets.sources import bundled_source\n"
        "    png = service.png_chart('frequency', {'users': ['realDonaldTrump'], 'n': ['50']}, bundled_source(),"
        " service.Limits())\n"
        "    os.write(writer, f'{state()} png={png[:4] == bytes([137, 80, 78, 71])}'.encode())\n"
        "    os._exit(0)\n"
        "os.close(writer)\n"
        "child = os.read(reader, 200).decode()\n"
        "os.waitpid(pid, 0)\n"
        "print(before, '|', child, '|', state())"
    )
    assert _child(code, tmp_path, WARM_ANALYSES="true") == (
        "models=True charts=False | models=True charts=True png=True | models=True charts=False"
    )


def test_cloud_functions_without_a_fork_warm_the_charts_on_the_first_request(tmp_path: Path) -> None:
    """``functions-framework --debug`` and Flask's test client serve in the importing process: no fork comes."""
    code = (
        f"{STATE}import functions_framework\n"
        "client = functions_framework.create_app(target='app', source='main.py').test_client()\n"
        "before = state()\n"
        "assert client.get('/health').status_code == 200\n"
        "print(before, '|', state())"
    )
    assert _child(code, tmp_path, WARM_ANALYSES="true") == "models=True charts=False | models=True charts=True"


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
    bootstrap.warm_analyses(dataclasses.replace(settings, warm_analyses=True))
    assert "warming up the analyses failed" in caplog.text and "no space left" in caplog.text


def test_a_model_that_cannot_load_is_logged_by_name_and_the_others_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(models_dir=tmp_path, cors_origins=("*",), max_batch_rows=10, max_body_bytes=10)
    bootstrap.warm_models(settings)  # an empty models folder: every model is missing, none stops the start
    assert caplog.records and all(r.getMessage().startswith("model ") for r in caplog.records)
