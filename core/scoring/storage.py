"""The storage port: what scoring needs of a place that holds objects (a disk, S3, Cloud Storage), and no more.

Reads are byte ranges, so a shard reads only its part and memory stays bounded; writes are all or
nothing (``Sink.commit`` makes the object visible, ``Sink.abort`` leaves no trace), so a failed run
never leaves half an output beside a manifest. Adapters turn their SDK's failures into core errors:
``NotFoundError`` for a missing object (permanent), ``UpstreamError`` and its subclasses for a store
that is throttled or unreachable (transient: the same call may succeed later).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol


@dataclass(frozen=True)
class ObjectInfo:
    """An object's size in bytes and the store's version tag (ETag, generation or mtime), for the manifest."""

    size: int
    etag: str


class Readable(Protocol):
    """What reading needs of a stream: bytes, at most ``size`` of them, and empty at the end."""

    def read(self, size: int = -1, /) -> bytes: ...


class Sink(Protocol):
    """An object being written: invisible until ``commit``; ``abort`` discards it."""

    def write(self, data: bytes) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


class Storage(Protocol):
    """One kind of store, addressed by URIs of its scheme (``s3://bucket/key``, ``gs://...``, a path)."""

    def stat(self, uri: str) -> ObjectInfo:
        """The object's size and version; ``NotFoundError`` (field ``input``) when there is none."""
        ...

    def open(self, uri: str, start: int = 0) -> BinaryIO:
        """A stream of the object's bytes from ``start`` to its end, fetched as it is read."""
        ...

    def create(self, uri: str) -> Sink:
        """A new object at ``uri`` that replaces any old one only when committed."""
        ...

    def delete(self, uri: str) -> None:
        """Remove the object; one that is not there is no error."""
        ...


StorageFor = Callable[[str], Storage]
"""Chooses the store for a URI (by its scheme): inputs and outputs may live in different stores."""


def write_object(storage: Storage, uri: str, data: bytes) -> None:
    """Write a small object (an errors file, a manifest) in one commit."""
    sink = storage.create(uri)
    try:
        sink.write(data)
    except BaseException:
        sink.abort()
        raise
    sink.commit()
