"""The catalogue of a store: the version each alias names, loaded, swapped for a new one without a redeploy.

What is served is one immutable ``StoreSnapshot``; a refresh builds the next one aside (download, sha256
check, load) and replaces it with one reference assignment, so a request that took the old snapshot
finishes on it and none ever sees a half-loaded model. A refresh checks each model's ``aliases.json`` by
its tag (ETag, generation) alone, and reads it only when that changed. A version that cannot be
downloaded, checked or loaded leaves the old one serving; the error log names the model, the version and
the reason, and the next refresh tries again.

When refreshes run is the caller's choice (``handlers.bootstrap``): in a background thread where the
process keeps running between requests (Cloud Run), or lazily, at the start of the first request after the
interval has passed (Lambda and Cloud Functions, whose instances are frozen between requests, threads
with them). ``mark_due`` makes the next request refresh: after a Lambda SnapStart restore, whose snapshot
may predate the last promotion.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import CoreError, ModelUnavailableError, NotFoundError, UnknownModelError, UpstreamError
from core.prediction.artifacts import ServedModel, load_model
from core.prediction.catalogue import unknown_version
from core.prediction.imported import spec_from_metadata
from core.prediction.registry import MODELS
from core.prediction.spec import ModelSpec
from core.prediction.store import cache
from core.prediction.store.layout import Layout, ListableStorage, check_alias, valid_version
from core.prediction.store.publishing import model_names, read_aliases, read_version_metadata

logger = logging.getLogger(__name__)

PINNED_KEPT = 8
"""Pinned versions (not the default) kept loaded; the oldest is dropped beyond this (reloaded from disk if asked)."""


@dataclass(frozen=True)
class StoreSnapshot:
    """The models as one refresh left them: what a request answers with from its start to its end."""

    owner: StoreCatalogue = field(repr=False)
    models: Mapping[str, ServedModel]
    failures: Mapping[str, str]
    """Why each model that has no served version has none."""
    spec_by_name: Mapping[str, ModelSpec]

    def specs(self) -> dict[str, ModelSpec]:
        return dict(sorted(self.spec_by_name.items()))

    def served(self, name: str, version: str | None = None) -> ServedModel:
        if name not in self.spec_by_name:
            known = ", ".join(sorted(self.spec_by_name))
            raise UnknownModelError(f"unknown model {name!r}; known models: {known}", field="model")
        model = self.models.get(name)
        if version is not None and (model is None or version != model.version):
            return self.owner.pinned(name, version, model.version if model else None)
        if model is None:
            raise ModelUnavailableError(self.failures.get(name, f"model {name!r} cannot be served"), field="model")
        return model

    def metadata(self, name: str) -> dict[str, Any]:
        return self.served(name).metadata

    def snapshot(self) -> StoreSnapshot:
        return self


class StoreCatalogue:
    """The models of the store at ``root``, each at ``alias``; refreshed every ``refresh_seconds`` (0: never)."""

    def __init__(
        self,
        storage: ListableStorage,
        root: str,
        alias: str = "prod",
        refresh_seconds: float = 60.0,
        cache_dir: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.storage, self.root, self.alias = storage, root, check_alias(alias)
        self.refresh_seconds = refresh_seconds
        self.cache_dir = cache_dir or cache.default_cache_dir()
        self._clock = clock
        self._names: tuple[str, ...] = ()
        self._tags: dict[str, str | None] = {}
        self._snapshot = StoreSnapshot(self, {}, {}, {})
        self._refreshing = threading.Lock()
        self._pinned: dict[tuple[str, str], ServedModel] = {}
        self._pinned_lock = threading.Lock()
        self._last_check = clock()
        self._lazy = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the Catalogue protocol: what the prediction use cases call -------------------------------------

    def specs(self) -> dict[str, ModelSpec]:
        return self.snapshot().specs()

    def served(self, name: str, version: str | None = None) -> ServedModel:
        return self.snapshot().served(name, version)

    def metadata(self, name: str) -> dict[str, Any]:
        return self.snapshot().metadata(name)

    def snapshot(self) -> StoreSnapshot:
        """The current snapshot, refreshed first when refreshes are lazy and one is due."""
        if self._lazy and self.refresh_seconds > 0 and self._clock() - self._last_check >= self.refresh_seconds:
            self.refresh(wait=False)
        return self._snapshot

    # -- loading -----------------------------------------------------------------------------------------

    def open(self) -> StoreCatalogue:
        """Load every model at the alias; ``UpstreamError`` naming the store if it cannot be read at all.

        A model whose version cannot be loaded is logged and left unavailable (it answers 503 saying why);
        the others serve.
        """
        try:
            found = model_names(self.storage, self.root)
        except CoreError as exc:
            raise UpstreamError(f"the models store {self.root} cannot be read at start-up: {exc.message}") from exc
        self._names = tuple(sorted({*found, *MODELS.all()}))
        declared = MODELS.all()
        failures = {
            name: f"model {name!r} has no version at alias {self.alias!r} in {self.root}: publish and promote one"
            for name in self._names
        }
        self._snapshot = StoreSnapshot(self, {}, failures, {n: s for n, s in declared.items()})
        self.refresh(wait=True)
        for name, reason in self._snapshot.failures.items():
            logger.error("model %s cannot be served: %s", name, reason)
        return self

    def refresh(self, wait: bool = True) -> None:
        """Check every model's alias and swap in the versions that changed; ``wait=False`` skips if one is running."""
        if not self._refreshing.acquire(blocking=wait):
            return
        try:
            self._refresh()
        finally:
            self._last_check = self._clock()
            self._refreshing.release()

    def _refresh(self) -> None:
        current = self._snapshot
        models, failures, specs = dict(current.models), dict(current.failures), dict(current.spec_by_name)
        layout, changed = Layout(self.root), False
        for name in self._names:
            try:
                tag: str | None = self.storage.stat(layout.aliases(name)).etag
            except NotFoundError:
                tag = None
            except CoreError as exc:  # the store is out of reach: keep every version, try again next time
                logger.error("cannot check the models store %s: %s; still serving the versions loaded", self.root, exc)
                break
            if tag is None or tag == self._tags.get(name):  # no aliases.json (nothing to serve), or unchanged
                continue
            served, version = models.get(name), "?"
            try:
                aliases, tag = read_aliases(self.storage, self.root, name)
                version = aliases.current.get(self.alias, "")
                if not version or (served is not None and served.version == version):
                    self._tags[name] = tag
                    continue
                model = self._load(name, version)
            except Exception as exc:  # noqa: BLE001 - whatever fails, the version served stays
                reason = exc.message if isinstance(exc, CoreError) else f"{type(exc).__name__} while loading it"
                was = f"still serving {served.version}" if served else "nothing served"
                logger.error("model %s version %s not loaded: %s; %s", name, version, reason, was)
                if served is None:
                    failures[name], changed = f"model {name!r} version {version!r} cannot be served: {reason}", True
                continue
            models[name], specs[name], changed = model, model.spec, True
            failures.pop(name, None)
            self._tags[name] = tag
            logger.info(
                "model %s: serving version %s at alias %s (was %s)",
                name,
                model.version,
                self.alias,
                served.version if served else "none",
            )
        if changed:
            self._snapshot = StoreSnapshot(self, models, failures, specs)  # the swap: one reference assignment

    def _load(self, name: str, version: str) -> ServedModel:
        """Download (if not cached), check each file's sha256 against the metadata, and load one version."""
        metadata = read_version_metadata(self.storage, self.root, name, version)
        try:
            spec = MODELS.all().get(name) or spec_from_metadata(metadata)
        except (KeyError, ValueError, TypeError) as exc:
            raise ModelUnavailableError(f"model {name!r} version {version!r} has malformed metadata") from exc
        directory = cache.fetch(self.storage, self.root, name, version, metadata, self.cache_dir)
        try:
            model = load_model.__wrapped__(spec, directory)  # not the per-process cache: a swapped-out version is freed
        except CoreError:
            cache.forget(self.cache_dir, self.root, name, version)
            raise
        if model.version != version:
            raise ModelUnavailableError(f"model {name!r} version {version!r} has metadata naming {model.version!r}")
        return model

    def pinned(self, name: str, version: str, default: str | None) -> ServedModel:
        """A version other than the default, loaded on first request; ``UnknownVersionError`` naming it if none."""
        if not valid_version(version):
            raise unknown_version(name, version, default or "none")
        with self._pinned_lock:
            model = self._pinned.get((name, version))
        if model is not None:
            return model
        model = self._load(name, version)
        with self._pinned_lock:
            self._pinned[(name, version)] = model
            while len(self._pinned) > PINNED_KEPT:
                self._pinned.pop(next(iter(self._pinned)))
        return model

    # -- when refreshes run ------------------------------------------------------------------------------

    def mark_due(self) -> None:
        """Make the next request refresh before it answers (after a snapshot restore)."""
        self._last_check = float("-inf")

    def start_background(self) -> None:
        """Refresh every ``refresh_seconds`` in a daemon thread from now on (requests then never refresh)."""
        if self.refresh_seconds <= 0 or self._thread is not None:
            self._lazy = False
            return
        self._lazy = False
        self._thread = threading.Thread(target=self._run, name="models-refresh", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.refresh_seconds):
            try:
                self.refresh()
            except Exception:  # the thread must outlive any one failure
                logger.exception("refreshing the models from %s failed; still serving the versions loaded", self.root)

    def close(self) -> None:
        """Stop the background refreshes (tests; a process that exits needs nothing)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
