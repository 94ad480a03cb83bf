"""Promote and roll back under load: the Cloud Run server (uvicorn) reading moto's S3 server or the GCS emulator.

A client loop runs through each swap: no request may fail, none may be answered by a version that was
never promoted, each client never goes back to the old version once it has seen the new one, and the new
version answers within one refresh interval (plus the time a refresh takes on this shared machine).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bench.swap_load import Load
from core.prediction.store import publishing
from tests.cloud_run_server import serving
from tests.store.conftest import MODEL, ROW, open_store, promote, publish, tamper

INTERVAL = 1.0
SLACK = 2.0
"""A refresh's own time (an alias check, a download, a load) on a loaded two-core machine."""


@pytest.fixture(params=["s3", "gcs"])
def s3_store(request: pytest.FixtureRequest) -> str:
    """An empty store on S3 (moto) or Cloud Storage (the emulator), the environment pointing at its server."""
    bucket = f"hot-swap-{time.monotonic_ns()}"
    if request.param == "s3":
        request.getfixturevalue("s3").create_bucket(Bucket=bucket)
        return f"s3://{bucket}/models"
    request.getfixturevalue("gcs").create_bucket(bucket)
    return f"gs://{bucket}/models"


def _monotonic(load: Load, old: str, new: str, start: float, end: float) -> None:
    """Between ``start`` and ``end``, no client sees ``old`` after it has seen ``new``."""
    for mine in load.answers:
        versions = [a.version for a in mine if start <= a.at < end]
        if new in versions:
            assert old not in versions[versions.index(new) :], "a client went back to the old version"


def test_promote_and_roll_back_under_load(s3_store: str, tmp_path: Path) -> None:
    publish(s3_store, "1.0.0", "2.0.0", "3.0.0")  # 3.0.0 is published but never promoted
    promote(s3_store, "1.0.0")
    environ = {"MODELS_URI": s3_store, "MODELS_REFRESH_SECONDS": str(INTERVAL), "TMPDIR": str(tmp_path)}
    with serving(tmp_path / "server.log", **environ) as url, Load(url, f"/models/{MODEL}/predict_data?{ROW}") as load:
        time.sleep(0.5)
        promoted = time.monotonic()
        promote(s3_store, "2.0.0")
        seen = load.wait_for("2.0.0", promoted, INTERVAL + SLACK)
        assert seen is not None and seen - promoted <= INTERVAL + SLACK
        time.sleep(INTERVAL)

        storage, root = open_store(s3_store)
        rolled_back = time.monotonic()
        publishing.rollback(storage, root, MODEL, "prod")
        seen_again = load.wait_for("1.0.0", rolled_back, INTERVAL + SLACK)
        assert seen_again is not None and seen_again - rolled_back <= INTERVAL + SLACK
        time.sleep(0.3)

    answers = load.all()
    assert load.errors == []
    assert len(answers) > 50
    assert {a.version for a in answers} == {"1.0.0", "2.0.0"}
    _monotonic(load, "1.0.0", "2.0.0", promoted, rolled_back)
    _monotonic(load, "2.0.0", "1.0.0", rolled_back, float("inf"))
    log = (tmp_path / "server.log").read_text()
    assert "serving version 2.0.0 at alias prod (was 1.0.0)" in log
    assert "serving version 1.0.0 at alias prod (was 2.0.0)" in log


def test_a_tampered_promotion_under_load_leaves_the_old_version_serving(s3_store: str, tmp_path: Path) -> None:
    publish(s3_store, "1.0.0", "6.6.6")
    promote(s3_store, "1.0.0")
    tamper(s3_store, "6.6.6")
    environ = {"MODELS_URI": s3_store, "MODELS_REFRESH_SECONDS": str(INTERVAL), "TMPDIR": str(tmp_path)}
    with serving(tmp_path / "server.log", **environ) as url, Load(url, f"/models/{MODEL}/predict_data?{ROW}") as load:
        promote(s3_store, "6.6.6")
        time.sleep(INTERVAL * 2 + 0.5)
    assert load.errors == []
    assert {a.version for a in load.all()} == {"1.0.0"}
    log = (tmp_path / "server.log").read_text()
    assert "model diabetes version 6.6.6 not loaded" in log and "sha256" in log and "still serving 1.0.0" in log


def test_a_store_out_of_reach_at_start_up_stops_the_server_with_a_clear_error(tmp_path: Path) -> None:
    environ = {
        "MODELS_URI": "s3://models/prod",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing listens on the discard port
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
    }
    with pytest.raises(AssertionError, match="the server exited"):
        with serving(tmp_path / "server.log", **environ):
            pass
    log = (tmp_path / "server.log").read_text()
    assert "MODELS_URI=s3://models/prod cannot be served" in log
    assert "the models store s3://models/prod cannot be read at start-up: S3 could not be reached" in log


def test_a_store_gone_after_start_up_leaves_the_last_versions_serving(
    s3: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from moto.server import ThreadedMotoServer

    own = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)  # this test stops it
    own.start()
    host, port = own.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    from handlers import storage as adapters

    adapters._storage.cache_clear()
    import boto3

    boto3.client("s3").create_bucket(Bucket="going-away")
    store = "s3://going-away/models"
    publish(store, "1.0.0")
    promote(store, "1.0.0")
    environ = {"MODELS_URI": store, "MODELS_REFRESH_SECONDS": str(INTERVAL), "TMPDIR": str(tmp_path)}
    try:
        with (
            serving(tmp_path / "server.log", **environ) as url,
            Load(url, f"/models/{MODEL}/predict_data?{ROW}") as load,
        ):
            time.sleep(0.3)
            own.stop()
            gone = time.monotonic()
            time.sleep(INTERVAL * 2 + 0.5)
    finally:
        adapters._storage.cache_clear()
    assert load.errors == []
    assert {a.version for a in load.all() if a.at > gone} == {"1.0.0"}
    assert "still serving the versions loaded" in (tmp_path / "server.log").read_text()
