"""Adapters of the scoring storage port (``core.scoring.storage.Storage``), one module per kind of store.

``storage_for(uri)`` picks the adapter by the URI's scheme and imports its module only then, so a
local run never loads boto3 and an S3 run never loads google-cloud-storage.
"""

from __future__ import annotations

import functools
import importlib
from typing import cast

from core.errors import InvalidInputError
from core.prediction.store.layout import ListableStorage
from core.scoring.storage import Storage

SCHEMES: dict[str, str] = {
    "s3": "handlers.storage.s3",
    "gs": "handlers.storage.gcs",
    "file": "handlers.storage.local",
    "": "handlers.storage.local",
}
"""URI scheme -> the module whose ``STORAGE`` factory serves it; a path without a scheme is local."""


def scheme_of(uri: str) -> str:
    head, sep, _ = uri.partition("://")
    return head.lower() if sep else ""


def storage_for(uri: str, timeout: float | None = None) -> Storage:
    """The store that holds ``uri``; ``InvalidInputError`` for a scheme no adapter serves. With ``timeout``, a client
    of its own whose every request waits at most that long to connect and to read, with one retry."""
    scheme = scheme_of(uri)
    if scheme not in SCHEMES:
        known = ", ".join(f"{s}://" for s in SCHEMES if s)
        raise InvalidInputError(f"{uri!r} has scheme {scheme!r}; known: {known} or a local path", field="uri")
    return _storage(scheme, timeout)


def listable_storage_for(uri: str, timeout: float | None = None) -> ListableStorage:
    """``storage_for``, for a caller that also lists (the models store): every adapter here does."""
    storage = storage_for(uri, timeout)
    if not callable(getattr(storage, "list", None)):
        raise TypeError(f"the {scheme_of(uri) or 'local'} storage adapter cannot list objects")
    return cast(ListableStorage, storage)


@functools.cache
def _storage(scheme: str, timeout: float | None = None) -> Storage:
    """One client per scheme (and timeout) and process: built on first use, reused by every later call (warm
    invocations)."""
    module = importlib.import_module(SCHEMES[scheme])
    storage: Storage = module.make_storage(timeout=timeout)
    return storage
