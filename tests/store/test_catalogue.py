"""The store's catalogue in one process: what it serves at an alias, how it swaps, and what it refuses."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from core.errors import ModelUnavailableError, UnknownVersionError, UpstreamError
from core.prediction import service
from core.prediction.store.live import StoreCatalogue
from tests.store.conftest import MODEL, open_store, promote, publish, tamper

ROW = {"pregnant": ["1"], "glucose": ["150"], "pressure": ["70"]}


def catalogue(uri: str, tmp_path: Path, **options: Any) -> StoreCatalogue:
    storage, root = open_store(uri)
    return StoreCatalogue(storage, root, cache_dir=tmp_path / "cache", **options).open()


def answered_by(models: Any, version: str | None = None) -> str:
    return str(service.predict_query(MODEL, ROW, models, version)["version"])


def test_serves_the_alias_and_pins_any_published_version(store_uri: str, tmp_path: Path) -> None:
    publish(store_uri, "1.0.0", "1.1.0", "1.2.0")
    promote(store_uri, "1.1.0")
    promote(store_uri, "1.2.0", alias="staging")
    prod = catalogue(store_uri, tmp_path)
    assert answered_by(prod) == "1.1.0"
    assert answered_by(prod, "1.0.0") == "1.0.0"
    assert answered_by(catalogue(store_uri, tmp_path, alias="staging")) == "1.2.0"
    with pytest.raises(UnknownVersionError, match="'9.9.9'"):
        answered_by(prod, "9.9.9")
    with pytest.raises(UnknownVersionError, match=r"'\.\./\.\./x'"):
        answered_by(prod, "../../x")
    # A declared model that the store lacks answers 503 saying so; the others serve.
    with pytest.raises(ModelUnavailableError, match="no version at alias 'prod'"):
        service.predict_query("boston", {}, prod)
    assert service.model_versions(prod)[MODEL] == "1.1.0"


def test_a_refresh_swaps_in_the_promoted_version_and_a_rollback(store_uri: str, tmp_path: Path) -> None:
    publish(store_uri, "1.0.0", "2.0.0")
    promote(store_uri, "1.0.0")
    models = catalogue(store_uri, tmp_path)
    held = models.snapshot()
    promote(store_uri, "2.0.0")
    assert answered_by(models) == "1.0.0"  # until the refresh
    models.refresh()
    assert answered_by(models) == "2.0.0"
    assert answered_by(held) == "1.0.0"  # a request that took the old snapshot finishes on it
    storage, root = open_store(store_uri)
    from core.prediction.store import publishing

    publishing.rollback(storage, root, MODEL, "prod")
    models.refresh()
    assert answered_by(models) == "1.0.0"


def test_lazy_refreshes_run_at_the_start_of_a_request_once_the_interval_passed(store_uri: str, tmp_path: Path) -> None:
    publish(store_uri, "1.0.0", "2.0.0")
    promote(store_uri, "1.0.0")
    now = [0.0]
    models = catalogue(store_uri, tmp_path, refresh_seconds=60, clock=lambda: now[0])
    promote(store_uri, "2.0.0")
    now[0] = 59.0
    assert answered_by(models) == "1.0.0"
    now[0] = 60.0
    assert answered_by(models) == "2.0.0"
    promote(store_uri, "1.0.0")
    models.mark_due()  # a SnapStart restore: the first request refreshes whatever the interval
    assert answered_by(models) == "1.0.0"


def test_a_tampered_version_is_refused_and_the_old_one_keeps_serving(
    store_uri: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    publish(store_uri, "1.0.0", "6.6.6")
    promote(store_uri, "1.0.0")
    models = catalogue(store_uri, tmp_path)
    tamper(store_uri, "6.6.6")
    promote(store_uri, "6.6.6")
    with caplog.at_level(logging.ERROR):
        models.refresh()
    assert answered_by(models) == "1.0.0"
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR and "6.6.6" in r.getMessage()]
    assert "model diabetes version 6.6.6 not loaded" in record.getMessage()
    assert "does not match the sha256 recorded in its metadata" in record.getMessage()
    assert "still serving 1.0.0" in record.getMessage()
    with pytest.raises(ModelUnavailableError, match="sha256"):
        answered_by(models, "6.6.6")


class Unreachable:
    """A store whose every call fails as an unreachable one does (after the adapter's own retries)."""

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise UpstreamError("S3 could not be reached for s3://models/x: EndpointConnectionError")

        return fail


def test_a_store_out_of_reach_stops_the_start_and_later_leaves_the_last_versions_serving(
    store_uri: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(UpstreamError, match="the models store s3://down cannot be read at start-up"):
        StoreCatalogue(Unreachable(), "s3://down", cache_dir=tmp_path).open()  # type: ignore[arg-type]

    publish(store_uri, "1.0.0")
    promote(store_uri, "1.0.0")
    models = catalogue(store_uri, tmp_path)
    models.storage = Unreachable()  # type: ignore[assignment]
    with caplog.at_level(logging.ERROR):
        models.refresh()
    assert answered_by(models) == "1.0.0"
    assert "still serving the versions loaded" in caplog.text
