"""A published version's files, downloaded once into a local directory the artifact loader reads.

Versions never change once published, so a version downloaded is kept (on Lambda and Cloud Run in
``/tmp``) and reused by the next load. A download goes to a temporary directory renamed into place, so a
directory that exists is whole; a version that fails its checks is removed, so the next try downloads
it again rather than trusting what is on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from core.prediction.store.layout import Layout
from core.prediction.store.publishing import read_object, version_files
from core.scoring.storage import Storage


def default_cache_dir() -> Path:
    """``$TMPDIR/serverless-ml-models``: ``/tmp`` on Lambda and Cloud Run, the only writable place on both."""
    return Path(tempfile.gettempdir()) / "serverless-ml-models"


def version_dir(cache_dir: Path, root: str, name: str, version: str) -> Path:
    """Where a version of a store is kept: the store's URI hashed, so two stores never share a directory."""
    store = hashlib.sha256(root.encode()).hexdigest()[:16]
    return cache_dir / store / name / version


def fetch(storage: Storage, root: str, name: str, version: str, metadata: dict[str, Any], cache_dir: Path) -> Path:
    """The local directory holding the version's files (the bundled layout), downloading them if not there yet."""
    target = version_dir(cache_dir, root, name, version)
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{version}.", suffix=".partial", dir=target.parent))
    try:
        layout = Layout(root)
        *files, metadata_file = version_files(name, metadata)
        for filename in files:
            (partial / filename).write_bytes(read_object(storage, layout.file(name, version, filename)))
        # the metadata was read to get here: written as publishing writes it, not fetched a second time
        (partial / metadata_file).write_text(json.dumps(metadata, indent=2) + "\n")
        try:
            os.rename(partial, target)
        except OSError:  # another thread got there first: its copy is as good
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def forget(cache_dir: Path, root: str, name: str, version: str) -> None:
    """Remove a version's local copy (one that failed its checks), so that it is downloaded again."""
    shutil.rmtree(version_dir(cache_dir, root, name, version), ignore_errors=True)
