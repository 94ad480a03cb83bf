"""The one start-up every adapter calls: the settings, the app, the warm-ups, and when each warm-up may run.

This module is the only place that decides the start-up policy; each adapter makes one call at import
(``start(PLATFORM)``) and, if it serves HTTP, one more for the app (``build_app``):

* Every warm-up runs at start-up, on every platform: the models always (arrays loaded, hashes checked),
  the analyses when ``WARM_ANALYSES`` is on (matplotlib, the fonts, the lexicon, the local tweets).
  Start-up is the adapter's import: Lambda's INIT phase (which SnapStart snapshots), Cloud Run's
  ``python -m handlers.cloud_run`` before uvicorn listens, functions-framework's import of ``main.py``.
* Except where a platform forbids it. functions-framework serves under gunicorn, which imports
  ``main.py`` in its master process and then forks the worker that serves. Only the forking thread
  exists in the child: a thread started before the fork is gone, and a pool that had one (drawing a
  chart starts ``core.analysis.service``'s drawing threads) waits for it forever. So on a platform that
  forks after import, a warm-up that starts threads runs in the worker, right after the fork, through
  ``os.register_at_fork`` (the standard library's hook, which gunicorn's ``os.fork()`` runs: gunicorn's
  own ``post_fork`` setting is out of reach, as functions-framework fixes the options it passes). Where
  no fork comes (``functions-framework --debug``, Flask's test client), the adapter's first request runs
  it (``start_in_serving_process``). Warm-ups that start no thread (the models) still run in the master,
  so that the fork shares what they loaded.

A failing warm-up is logged and the service starts: what it would have loaded is loaded by the first
request that needs it, which answers 503 naming what is missing, exactly as if nothing had been warmed.

With ``MODELS_URI`` the models warm-up opens the store (``handlers.models_source``): every model at its
alias is downloaded, checked and loaded before the first request, and a store that cannot be read stops
the start-up with an error naming it (a service that would answer 503 to everything should not start).
New versions are then picked up every ``MODELS_REFRESH_SECONDS``: by a background thread where the
process runs between requests (Cloud Run), else lazily by the first request after the interval (Lambda
and Cloud Functions freeze an idle instance, threads included; Cloud Functions forks after import). After
a Lambda SnapStart restore the first invocation refreshes before it answers.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.analysis.tweets.sources import source_from_setting
from core.errors import CoreError
from core.prediction.catalogue import catalogue_of
from core.prediction.store.live import StoreCatalogue
from handlers.models_source import models
from handlers.settings import Settings, settings
from handlers.snapstart import after_restore

if TYPE_CHECKING:
    from fastapi import FastAPI

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Platform:
    """What of a platform's process model the start-up must respect."""

    name: str
    forks_after_import: bool
    """The server imports the adapter in one process and serves in a forked child (gunicorn)."""
    runs_between_requests: bool = False
    """The process keeps running while idle, so a background thread may refresh the models store."""


AWS_LAMBDA = Platform("aws_lambda", forks_after_import=False)
CLOUD_RUN = Platform("cloud_run", forks_after_import=False, runs_between_requests=True)
CLOUD_FUNCTIONS = Platform("gcf", forks_after_import=True)


def warm_models(config: Settings) -> None:
    """Load every model once; one that cannot load is logged and answers 503 naming itself when asked for."""
    catalogue = catalogue_of(models(config))
    for name in catalogue.specs():
        try:
            catalogue.served(name)
        except CoreError as exc:
            logger.error("model %s cannot be served: %s", name, exc.message)


def _log_swaps() -> None:
    """Each swap is an INFO line (model, version, alias, the version before), as the errors are: to stderr, or
    to the handler the platform gave the root logger (Lambda's)."""
    swaps = logging.getLogger("core.prediction.store")
    swaps.setLevel(logging.INFO)
    if not logging.getLogger().handlers and not swaps.handlers:
        swaps.addHandler(logging.StreamHandler())


def schedule_refreshes(catalogue: StoreCatalogue, platform: Platform) -> None:
    """Refresh the store in the background where the process runs between requests; else lazily (the default),
    and at once after a SnapStart restore (Lambda's ``snapshot_restore_py``, present only in its runtime)."""
    _log_swaps()
    if platform.runs_between_requests:
        catalogue.start_background()
        return
    after_restore(catalogue.mark_due)


def warm_analyses(config: Settings) -> None:
    """Every analysis once, and the configured tweets if they are local (``core.analysis.warmup``)."""
    from core.analysis.warmup import warm_up  # imports matplotlib and plotly only when asked to

    try:
        warm_up(source_from_setting(config.tweets_source))
    except Exception:
        logger.exception("warming up the analyses failed; the first requests will load what they need")


@dataclass(frozen=True)
class WarmUp:
    name: str
    run: Callable[[Settings], None]
    enabled: Callable[[Settings], bool]
    starts_threads: bool
    """Must run in the process that serves (see the module docstring)."""


WARM_UPS = (
    WarmUp("models", warm_models, enabled=lambda config: True, starts_threads=False),
    WarmUp("analyses", warm_analyses, enabled=lambda config: config.warm_analyses, starts_threads=True),
)
"""In order; a capability added to the service adds its warm-up here, and every platform runs it."""

_deferred: list[WarmUp] = []
_deferred_done_in: int | None = None
"""The process id that has run the deferred warm-ups (a forked child inherits the parent's value)."""
_deferred_lock = threading.Lock()


def start(platform: Platform) -> Settings:
    """Read the settings and run the warm-ups: now, or after the fork where ``platform`` forks after import."""
    config = settings()
    if not config.api_key_hashes:
        # Deliberate for the BigQuery service (its connection sends no header: README, "BigQuery remote
        # functions"), which must then be private; said once, so that an open deployment is never silent.
        logger.warning(
            "no API key is configured (API_KEYS): every route answers whoever the platform lets through; "
            "deployed, keep the platform's IAM on (Cloud Run --no-allow-unauthenticated, API Gateway aws_iam)"
        )
    for warm_up in WARM_UPS:
        if not warm_up.enabled(config):
            continue
        if warm_up.starts_threads and platform.forks_after_import:
            if not _deferred:
                os.register_at_fork(after_in_child=start_in_serving_process)
            if warm_up not in _deferred:
                _deferred.append(warm_up)
        else:
            warm_up.run(config)
    catalogue = models(config)
    if isinstance(catalogue, StoreCatalogue):
        schedule_refreshes(catalogue, platform)
    return config


def start_in_serving_process() -> None:
    """Run the deferred warm-ups once in this process: in a forked worker at once, else at its first request."""
    global _deferred_done_in
    if not _deferred or _deferred_done_in == os.getpid():
        return
    with _deferred_lock:
        if _deferred_done_in == os.getpid():
            return
        for warm_up in _deferred:
            warm_up.run(settings())
        logger.info("warmed up after the fork, in process %d: %s", os.getpid(), ", ".join(w.name for w in _deferred))
        _deferred_done_in = os.getpid()


def build_app(config: Settings) -> FastAPI:
    """The one app (``handlers.http_app``), imported here so that a start-up without HTTP never imports FastAPI."""
    from handlers.http_app import create_app

    return create_app(config)
