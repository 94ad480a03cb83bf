"""The ``serverless-ml`` command that ``make install`` puts in the venv: its table, its errors, ``models list``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.prediction.registry import MODELS, model_specs
from handlers.cli.main import COMMANDS, main
from handlers.http_app import create_app

SCRIPT = Path(sys.executable).parent / "serverless-ml"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, check=False, timeout=60)


def test_make_install_puts_the_command_in_the_venv() -> None:
    out = _run("--version")
    assert out.returncode == 0 and out.stdout.startswith("serverless-ml ")


def test_models_list_names_every_registered_model_with_its_version() -> None:
    out = _run("models", "list")
    assert out.returncode == 0, out.stderr
    rows = [line.split("\t") for line in out.stdout.splitlines()]
    assert [(r[0], r[1]) for r in rows] == [(name, spec.version) for name, spec in model_specs().items()]


def test_models_list_json_is_the_catalogue_get_models_answers() -> None:
    out = _run("models", "list", "--json")
    with TestClient(create_app()) as client:
        assert json.loads(out.stdout) == client.get("/models").json()


def test_a_models_directory_without_artifacts_names_each_model_and_the_command_that_builds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "list", "--models-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    for name in MODELS.all():
        assert f"{name}\tunavailable" in err and "make models" in err


@pytest.mark.parametrize("argv", [["nope"], ["models"], ["models", "nope"], []])
def test_an_unknown_or_incomplete_command_is_a_usage_error_listing_the_commands(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage: serverless-ml" in capsys.readouterr().err


def test_help_lists_every_command_of_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    for words, _module, help_text in COMMANDS:
        *group, _last = words.split()
        with pytest.raises(SystemExit):
            main([*group, "--help"])
        assert help_text in capsys.readouterr().out
