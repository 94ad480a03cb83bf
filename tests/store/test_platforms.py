"""Every platform answers from ``MODELS_URI``: the emulator's replay and invoke, through the real adapters.

Recorded cases of each platform that ask ``diabetes`` are replayed in a fresh process whose store serves
``diabetes`` 2.0.0 at ``prod``: the same answers, now naming 2.0.0 (HTTP on Lambda, direct invocations,
Cloud Functions, Cloud Run); a version pinned in the path or the query answers, an unknown one is a 404
naming it; a direct invocation pins one with ``version``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.store.conftest import MODEL, promote, publish

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "events"
PLATFORMS = ("aws-http", "aws-invoke", "gcf", "cloud-run")


def _diabetes_cases(platform: str) -> list[Path]:
    cases = []
    for path in sorted((EVENTS / platform).glob("*.json")):
        body = json.loads(path.read_text()).get("expected", {}).get("body", {})
        if isinstance(body, dict) and isinstance(body.get("json"), dict) and body["json"].get("model") == MODEL:
            cases.append(path)
    return cases[:2]


def _run(args: list[str], store: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MODELS_URI": store, "TMPDIR": str(tmp_path), "API_KEYS": "", "API_KEYS_FILE": ""}
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_replay_and_invoke_answer_from_the_store_on_every_platform(tmp_path: Path) -> None:
    store = f"file:{tmp_path / 'store'}"
    publish(store, "1.0.0", "2.0.0")
    promote(store, "2.0.0")
    copied = 0
    for platform in PLATFORMS:
        for path in _diabetes_cases(platform):
            case = json.loads(path.read_text())
            case["expected"]["body"]["json"]["version"] = "2.0.0"
            (tmp_path / "events" / platform).mkdir(parents=True, exist_ok=True)
            (tmp_path / "events" / platform / path.name).write_text(json.dumps(case))
            copied += 1
    assert copied >= len(PLATFORMS)
    query = "pregnant=1&glucose=150&pressure=70"
    answer = {"Answer": ["no"], "probability": [0.48318573079755683], "model": MODEL, "version": "1.0.0"}
    unknown = f"model {MODEL!r} has no published version '9.9.9' in {tmp_path / 'store'}"
    pins = {
        "pinned_path": (f"/models/{MODEL}@1.0.0/predict_data", query, 200, answer),
        "pinned_query": (f"/models/{MODEL}/predict_data", query + "&version=1.0.0", 200, answer),
        "unknown_version": (
            f"/models/{MODEL}/predict_data",
            query + "&version=9.9.9",
            404,
            {"error": {"type": "UnknownVersionError", "message": unknown, "field": "version"}},
        ),
    }
    for name, (path_, query_, status, body) in pins.items():
        case = {"request": {"method": "GET", "path": path_, "query": query_, "headers": []}}
        case["expected"] = {"status": status, "body": {"json": body}}
        (tmp_path / "events" / "cloud-run" / f"{name}.json").write_text(json.dumps(case))
    replay = _run(["replay", str(tmp_path / "events")], store, tmp_path)
    assert replay.returncode == 0, replay.stdout[-3000:] + replay.stderr[-3000:]

    pinned = tmp_path / "pinned.json"
    pinned.write_text(json.dumps({"model": MODEL, "rows": [{"pregnant": 1, "glucose": 150, "pressure": 70}]}))
    invoke = _run(["invoke", "--platform", "aws-invoke", "--event", str(pinned)], store, tmp_path)
    assert invoke.returncode == 0, invoke.stderr[-3000:]
    assert json.loads(invoke.stdout)["version"] == "2.0.0"
    pinned.write_text(json.dumps({**json.loads(pinned.read_text()), "version": "1.0.0"}))
    invoke = _run(["invoke", "--platform", "aws-invoke", "--event", str(pinned)], store, tmp_path)
    assert json.loads(invoke.stdout)["version"] == "1.0.0"
