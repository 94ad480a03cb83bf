"""The models a process serves: the bundled directory, or the store ``MODELS_URI`` names (one catalogue per process).

Every adapter asks here rather than reading ``Settings.models_dir`` itself, so HTTP, direct invocations,
batch scoring and the SQL functions of every platform answer from the same place, at the same version.
The store is opened (every model at its alias loaded) on first use, which ``handlers.bootstrap`` makes the
start-up; a store that cannot be read then stops the start with an error naming it.
"""

from __future__ import annotations

import functools
import logging

from core.errors import CoreError
from core.prediction.catalogue import ModelsAt
from core.prediction.store.layout import store_root
from core.prediction.store.live import StoreCatalogue
from handlers.settings import Settings
from handlers.storage import listable_storage_for

logger = logging.getLogger(__name__)


def models(config: Settings) -> ModelsAt:
    """The models directory, or the store's catalogue when ``MODELS_URI`` is set."""
    if config.models_uri is None:
        return config.models_dir
    return store_catalogue(
        config.models_uri, config.models_alias, config.models_refresh_seconds, config.models_store_timeout_seconds
    )


@functools.cache
def store_catalogue(uri: str, alias: str, refresh_seconds: float, timeout: float = 5.0) -> StoreCatalogue:
    """The store's catalogue, opened once per process; ``CoreError`` naming ``MODELS_URI`` if it cannot be read.
    Its client waits at most ``timeout`` a request (``MODELS_STORE_TIMEOUT_SECONDS``)."""
    root = store_root(uri)
    storage = listable_storage_for(root, timeout)
    try:
        return StoreCatalogue(storage, root, alias, refresh_seconds).open()
    except CoreError as exc:
        logger.critical("MODELS_URI=%s cannot be served: %s", uri, exc.message)
        raise
