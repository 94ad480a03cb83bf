"""``serverless-ml score``: the command a person or a Cloud Run job runs, its shards, its progress and its errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from handlers.cli import score as score_command
from handlers.cli.main import main
from tests.scoring.conftest import diabetes_csv

ROOT = Path(__file__).resolve().parents[2]


def test_score_writes_the_output_and_says_what_it_did(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.csv").write_bytes(diabetes_csv(20) + b"bad,x,1,1\n")
    source, target = str(tmp_path / "in.csv"), str(tmp_path / "o.csv")
    assert main(["score", "--model", "diabetes", "--input", source, "--output", target]) == 0
    assert "scored 20 of 21 rows (1 refused)" in capsys.readouterr().out
    assert json.loads((tmp_path / "o.csv.manifest.json").read_text())["rows"]["refused"] == 1


def test_cloud_run_task_variables_shard_the_input_and_shard_overrides_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in.csv").write_bytes(diabetes_csv(50))
    monkeypatch.setenv("CLOUD_RUN_TASK_INDEX", "2")
    monkeypatch.setenv("CLOUD_RUN_TASK_COUNT", "3")
    args = ["score", "--model", "diabetes", "--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / "out")]
    assert main(args) == 0
    assert main([*args, "--shard", "0/2"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.csv")) == [
        "part-00000-of-00002.csv",
        "part-00002-of-00003.csv",
    ]


@pytest.mark.parametrize("shard", ["3/3", "1", "-1/2", "a/b"])
def test_a_bad_shard_is_refused_before_anything_is_written(
    tmp_path: Path, shard: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in.csv").write_bytes(diabetes_csv(5))
    args = ["--model", "diabetes", "--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / "out")]
    assert main(["score", *args, f"--shard={shard}"]) == 2
    assert "error (shard)" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_unknown_model_is_an_error_message_and_an_error_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in.csv").write_bytes(diabetes_csv(5))
    source, target = str(tmp_path / "in.csv"), str(tmp_path / "o.csv")
    args = ["score", "--model", "no-such-model", "--input", source, "--output", target]
    assert main(args) == 2
    assert "serverless-ml score: error (model): unknown model 'no-such-model'" in capsys.readouterr().err
    assert json.loads((tmp_path / "o.csv.manifest.json").read_text())["error"]["field"] == "model"


def test_without_a_terminal_progress_is_log_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(score_command, "LOG_EVERY_SECONDS", 0.0)
    (tmp_path / "in.csv").write_bytes(diabetes_csv(10))
    main(["score", "--model", "diabetes", "--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / "o.csv")])
    assert "score: 10 rows read, 0 refused" in capsys.readouterr().err


def test_the_command_scores_an_s3_object_in_its_own_process(s3, moto_endpoint: str) -> None:
    bucket = f"cli-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="incoming/in.jsonl", Body=b'{"pregnant":1,"glucose":3,"pressure":1}\n')
    out = subprocess.run(
        [sys.executable, "-m", "handlers.cli.main", "score", "--model", "diabetes"]
        + ["--input", f"s3://{bucket}/incoming/in.jsonl", "--output", f"s3://{bucket}/scored/in.jsonl"],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    body = s3.get_object(Bucket=bucket, Key="scored/in.jsonl")["Body"].read()
    assert json.loads(body)["prediction"] in ("yes", "no")
