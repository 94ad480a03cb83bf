"""Buckets on disk for the batch platforms: a case's objects written to a temporary directory that stands in
for S3 or Cloud Storage, and what the function left there read back as the answer's ``objects``.

The scorer reaches the directory through its storage port (``handlers.storage``), so the real handler runs
unchanged, offline. Manifest fields that change on every run (times, the local etag) are left out of the
answer; everything else, the outputs and the errors files byte for byte, is compared.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from core.errors import NotFoundError
from core.scoring.storage import ObjectInfo, Sink
from handlers import storage as adapters
from handlers.storage.local import LocalStorage

VOLATILE = ("started_at", "finished_at", "etag")
"""Manifest keys that differ on every run, left out of the answer."""


class DirectoryBuckets:
    """``scheme://bucket/key`` as ``root/scheme/bucket/key``, with the messages a real store would give."""

    def __init__(self, root: Path) -> None:
        self.root, self.local = root, LocalStorage()

    def path(self, uri: str) -> str:
        scheme, _, rest = uri.partition("://")
        return str(self.root / scheme / rest)

    def stat(self, uri: str) -> ObjectInfo:
        try:
            return self.local.stat(self.path(uri))
        except NotFoundError:
            raise NotFoundError(f"{uri} does not exist", field="input") from None

    def open(self, uri: str, start: int = 0) -> BinaryIO:
        return self.local.open(self.path(uri), start)

    def create(self, uri: str) -> Sink:
        return self.local.create(self.path(uri))

    def delete(self, uri: str) -> None:
        self.local.delete(self.path(uri))


@contextlib.contextmanager
def buckets(objects: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The case's ``objects`` (URI -> text) in a fresh directory; yields the dict filled with what is there after."""
    after: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="emulator-buckets-") as tmp:
        store = DirectoryBuckets(Path(tmp))
        for uri, text in objects.items():
            target = Path(store.path(uri))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        saved = adapters._storage
        adapters._storage = lambda scheme, timeout=None: store  # type: ignore[assignment]
        try:
            yield after
        finally:
            adapters._storage = saved
            after.update(_read(Path(tmp)))


def _read(root: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        scheme, *rest = path.relative_to(root).parts
        uri = f"{scheme}://{'/'.join(rest)}"
        text = path.read_text(errors="replace")
        found[uri] = _stable(orjson.loads(text)) if uri.endswith(".manifest.json") else text
    return found


def _stable(manifest: Any) -> Any:
    if isinstance(manifest, dict):
        return {k: _stable(v) for k, v in manifest.items() if k not in VOLATILE}
    return manifest
