"""``python -m emulator``: invoke prints or writes (--out) the answer, replay compares, corpus rebuilds cases."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.__main__ import main
from emulator.cases import DEFAULT_CORPUS
from emulator.compare import png_difference

ROOT = Path(__file__).resolve().parents[2]


def test_invoke_prints_the_lambda_answer_as_the_platform_returns_it(capsys):
    assert main(["invoke", "--event", str(DEFAULT_CORPUS / "aws-rest" / "health.json")]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["statusCode"] == 200 and answer["isBase64Encoded"] is False
    assert json.loads(answer["body"])["status"] == "ok"


def test_invoke_takes_a_bare_event_with_platform(tmp_path, capsys):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"model": "diabetes", "rows": [{"pregnant": 6, "glucose": 148, "pressure": 72}]}))
    assert main(["invoke", "--platform", "aws-invoke", "--event", str(event)]) == 0
    assert json.loads(capsys.readouterr().out)["predictions"] == ["yes"]


def test_replay_fails_on_a_changed_answer_and_update_rewrites_it(tmp_path, capsys):
    folder = tmp_path / "cloud-run"
    folder.mkdir()
    case = folder / "health.json"
    shutil.copy(DEFAULT_CORPUS / "cloud-run" / "health.json", case)
    data = json.loads(case.read_text())
    data["expected"]["body"]["json"]["status"] = "sleeping"
    case.write_text(json.dumps(data))
    assert main(["replay", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL    cloud-run/health" in out and "0 passed, 1 failed" in out
    assert main(["replay", "--update", str(tmp_path)]) == 0
    assert json.loads(case.read_text())["expected"]["body"]["json"]["status"] == "ok"
    assert main(["replay", str(tmp_path)]) == 0


def test_parity_over_one_request(capsys):
    assert main(["parity", str(DEFAULT_CORPUS / "cloud-run" / "predict__csv.json")]) == 0
    assert "same predict__csv" in capsys.readouterr().out


def test_the_module_runs_as_a_command():
    done = subprocess.run(
        [sys.executable, "-m", "emulator", "replay", str(DEFAULT_CORPUS / "aws-invoke")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("0 failed")


def test_invoke_out_writes_the_decoded_png_and_prints_only_status_and_headers(tmp_path, capsys):
    case = DEFAULT_CORPUS / "aws-rest" / "frequency__png.json"
    out = tmp_path / "chart.png"
    assert main(["invoke", "--event", str(case), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "status: 200" in printed and "content-type: image/png" in printed.lower()
    assert f"{out.stat().st_size} bytes written to {out}" in printed
    assert len(printed) < 1000  # not the 56 KB of base64 the JSON answer holds
    recorded = base64.b64decode(json.loads(case.read_text())["expected"]["body"]["png"])
    assert png_difference(recorded, out.read_bytes()) is None


def test_invoke_out_writes_a_direct_invocations_payload(tmp_path, capsys):
    out = tmp_path / "answer.json"
    assert (
        main(
            ["invoke", "--event", str(DEFAULT_CORPUS / "aws-invoke" / "predict__unknown_model.json"), "--out", str(out)]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("status: 200\ncontent-type: application/json\n")
    assert json.loads(out.read_bytes())["error"]["field"] == "model"


def test_invoke_help_names_out(capsys):
    with pytest.raises(SystemExit) as done:
        main(["invoke", "--help"])
    assert done.value.code == 0
    assert "--out FILE" in capsys.readouterr().out


def test_corpus_command_rebuilds_the_committed_events_and_they_replay(tmp_path, capsys):
    """The corpus tool's events are the committed ones (fixed ids and times), and its expectations replay."""
    assert main(["corpus", "--only", "health", "predict__csv", "--no-analyses", "--out", str(tmp_path)]) == 0
    written = sorted(tmp_path.rglob("*.json"))
    assert len(written) >= 8
    for path in written:
        committed = json.loads((DEFAULT_CORPUS / path.relative_to(tmp_path)).read_text())
        generated = json.loads(path.read_text())
        key = "request" if "request" in generated else "event"
        assert generated[key] == committed[key], path.relative_to(tmp_path)
    capsys.readouterr()
    assert main(["replay", str(tmp_path)]) == 0
