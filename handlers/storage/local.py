"""The local-disk store: paths (or ``file://`` URIs); a write goes to a temporary file renamed on commit."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from core.errors import NotFoundError
from core.scoring.storage import ObjectInfo, Sink


def _path(uri: str) -> Path:
    return Path(uri.removeprefix("file://"))


class LocalSink:
    """A temporary file beside the target, renamed over it on commit (atomic on one file system)."""

    def __init__(self, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        self._target, self._temp = target, Path(name)
        self._file = os.fdopen(handle, "wb")

    def write(self, data: bytes) -> None:
        self._file.write(data)

    def commit(self) -> None:
        self._file.close()
        os.replace(self._temp, self._target)

    def abort(self) -> None:
        self._file.close()
        self._temp.unlink(missing_ok=True)


class LocalStorage:
    """Files on this machine."""

    def stat(self, uri: str) -> ObjectInfo:
        try:
            st = _path(uri).stat()
        except FileNotFoundError:
            raise NotFoundError(f"the input {uri!r} does not exist", field="input") from None
        return ObjectInfo(st.st_size, f"{st.st_mtime_ns:x}-{st.st_size:x}")

    def open(self, uri: str, start: int = 0) -> BinaryIO:
        try:
            stream = _path(uri).open("rb")
        except FileNotFoundError:
            raise NotFoundError(f"the input {uri!r} does not exist", field="input") from None
        stream.seek(start)
        return stream

    def create(self, uri: str) -> Sink:
        return LocalSink(_path(uri))

    def delete(self, uri: str) -> None:
        _path(uri).unlink(missing_ok=True)

    def list(self, prefix: str) -> list[str]:
        """Every file under the directory ``prefix`` names (none if there is none), written as ``prefix`` is, sorted."""
        root, head = _path(prefix), prefix.rstrip("/")
        if not root.is_dir():
            return []
        files = (p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".partial"))
        return sorted(f"{head}/{p.relative_to(root).as_posix()}" for p in files)


def make_storage(timeout: float | None = None) -> LocalStorage:
    """A local store (``timeout`` is for stores across a network)."""
    return LocalStorage()
