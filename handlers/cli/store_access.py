"""What the store commands share: the store a URI names, and the option that names it."""

from __future__ import annotations

import argparse

from core.prediction.store.layout import ListableStorage, store_root
from handlers.storage import listable_storage_for


def open_store(uri: str) -> tuple[ListableStorage, str]:
    """The store's adapter and root for ``uri`` (``file:DIR``, ``s3://bucket/prefix``, ``gs://bucket/prefix``)."""
    root = store_root(uri)
    storage = listable_storage_for(root)
    return storage, root


def store_argument(parser: argparse.ArgumentParser, flag: str = "--to") -> None:
    parser.add_argument(flag, required=True, metavar="URI", help="the store: file:DIR, s3://bucket/prefix, gs://...")
