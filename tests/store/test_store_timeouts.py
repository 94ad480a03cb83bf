"""A models store that stops answering costs a refresh seconds, not minutes, and the versions loaded keep serving.

On Lambda and Cloud Functions the refresh runs inside a request, so the store's client waits at most
``MODELS_STORE_TIMEOUT_SECONDS`` a request, with one retry. A proxy in front of the real store server (moto's
S3, the GCS emulator) stops answering mid-test: it still accepts connections, and drops what it is sent,
as a network that loses packets does (a refused connection would fail fast anyway).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from core.paths import MODELS_DIR
from core.prediction.store import publishing
from core.prediction.store.layout import store_root
from core.prediction.store.live import StoreCatalogue
from handlers.settings import Settings
from handlers.storage import listable_storage_for
from tests.store.conftest import MODEL, open_store

TIMEOUT = 0.5
BOUND = 6.0
"""Two attempts of TIMEOUT each plus the SDKs' backoff stay far below this; their defaults take minutes."""


class SilentProxy:
    """Forwards TCP to ``target`` until ``silence()``; from then on accepts and reads, and never answers."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self._target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._silent = threading.Event()
        self._sockets: list[socket.socket] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def silence(self) -> None:
        self._silent.set()

    def close(self) -> None:
        self._server.close()
        for sock in self._sockets:
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self._sockets.append(client)
            if self._silent.is_set():
                continue  # held open, never read from or answered
            upstream = socket.create_connection(self._target)
            self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if not self._silent.is_set():
                    sink.sendall(data)
        except OSError:
            return


@pytest.fixture(params=["s3", "gcs"])
def silent_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, SilentProxy]]:
    """A store with diabetes 1.0.0 at ``prod``, reached through a proxy that can fall silent."""
    bucket = f"models-{uuid.uuid4().hex[:12]}"
    if request.param == "s3":
        request.getfixturevalue("s3").create_bucket(Bucket=bucket)  # type: ignore[attr-defined]
        proxy = SilentProxy(request.getfixturevalue("moto_endpoint"))
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        uri = f"s3://{bucket}/models"
    else:
        request.getfixturevalue("gcs").create_bucket(bucket)  # type: ignore[attr-defined]
        proxy = SilentProxy(request.getfixturevalue("gcs_endpoint"))
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", proxy.url)
        uri = f"gs://{bucket}/models"
    storage, root = open_store(uri)
    publishing.publish(storage, root, MODEL, MODELS_DIR, "1.0.0")
    publishing.promote(storage, root, MODEL, "1.0.0", "prod")
    yield uri, proxy
    proxy.close()


def test_a_refresh_against_a_silent_store_gives_up_within_the_timeout_and_keeps_serving(
    silent_store: tuple[str, SilentProxy], caplog: pytest.LogCaptureFixture
) -> None:
    uri, proxy = silent_store
    root = store_root(uri)
    catalogue = StoreCatalogue(listable_storage_for(root, TIMEOUT), root, "prod", refresh_seconds=60).open()
    assert catalogue.served(MODEL).version == "1.0.0"
    proxy.silence()
    started = time.monotonic()
    with caplog.at_level(logging.ERROR):
        catalogue.refresh()
    assert time.monotonic() - started < BOUND
    assert catalogue.served(MODEL).version == "1.0.0"
    assert "cannot check the models store" in caplog.text


def test_the_store_timeout_is_a_setting_with_a_bounded_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELS_STORE_TIMEOUT_SECONDS", raising=False)
    assert Settings.from_env().models_store_timeout_seconds == 5.0
    monkeypatch.setenv("MODELS_STORE_TIMEOUT_SECONDS", "2.5")
    assert Settings.from_env().models_store_timeout_seconds == 2.5
    for bad in ("0", "-1", "soon"):
        monkeypatch.setenv("MODELS_STORE_TIMEOUT_SECONDS", bad)
        with pytest.raises(ValueError, match="MODELS_STORE_TIMEOUT_SECONDS"):
            Settings.from_env()
