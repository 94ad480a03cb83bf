"""A models store on each kind of storage (a directory, moto's S3 server, the GCS emulator) and versions to put in it.

Every version is the bundled ``diabetes`` model published under another version number: answers name
the version that produced them, which is what these tests follow.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from core.paths import MODELS_DIR
from core.prediction.store import publishing
from core.prediction.store.layout import ListableStorage, store_root
from handlers.storage import listable_storage_for

MODEL = "diabetes"
ROW = "pregnant=1&glucose=150&pressure=70"


@pytest.fixture(params=["file", "s3", "gcs"])
def store_uri(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store's URI (``MODELS_URI``), with the environment that points the adapters at its server."""
    if request.param == "file":
        return f"file:{tmp_path / 'store'}"
    bucket = f"models-{uuid.uuid4().hex[:12]}"
    if request.param == "s3":
        request.getfixturevalue("s3").create_bucket(Bucket=bucket)  # type: ignore[attr-defined]
        return f"s3://{bucket}/team/models"
    request.getfixturevalue("gcs").create_bucket(bucket)  # type: ignore[attr-defined]
    return f"gs://{bucket}/models"


def open_store(uri: str) -> tuple[ListableStorage, str]:
    root = store_root(uri)
    storage = listable_storage_for(root)
    return storage, root


def publish(uri: str, *versions: str, source: Path = MODELS_DIR) -> None:
    storage, root = open_store(uri)
    for version in versions:
        publishing.publish(storage, root, MODEL, source, version)


def promote(uri: str, version: str, alias: str = "prod") -> None:
    storage, root = open_store(uri)
    publishing.promote(storage, root, MODEL, version, alias)


def tamper(uri: str, version: str) -> None:
    """Change one byte's worth of the version's artifact in the store, leaving its metadata (and sha256) as it was."""
    storage, root = open_store(uri)
    target = f"{root}/{MODEL}/{version}/{MODEL}.model.json"
    content = publishing.read_object(storage, target)
    from core.scoring.storage import write_object

    write_object(storage, target, content.replace(b"0.", b"1.", 1))
