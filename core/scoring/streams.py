"""Positioning a read inside an input: its header row, a shard's first whole line, gzip; hashing what is written.

Every read here is bounded (at most ``MAX_LINE_BYTES`` held), so a file without a single line break
costs no more memory than a well-formed one.
"""

from __future__ import annotations

import hashlib
import zlib

from core.errors import EmptyInputError, MalformedBodyError
from core.scoring.lines import MAX_LINE_BYTES
from core.scoring.storage import Readable, Sink

_STEP = 64 << 10


class Prefixed:
    """``head`` (bytes already read) followed by the rest of ``stream``: reading on as if nothing was taken."""

    def __init__(self, head: bytes, stream: Readable) -> None:
        self._head, self._stream = head, stream

    def read(self, size: int = -1, /) -> bytes:
        if self._head:
            taken = self._head if size < 0 else self._head[:size]
            self._head = self._head[len(taken) :]
            return taken
        return self._stream.read(size)


def read_header(stream: Readable, max_line: int = MAX_LINE_BYTES) -> tuple[bytes, int, bytes]:
    """The first line (without its line break or CR), its length with the break, and the bytes read past it."""
    taken = b""
    while b"\n" not in taken:
        data = stream.read(_STEP)
        if not data:
            break
        taken += data
        if len(taken) > max_line and b"\n" not in taken[: max_line + 1]:
            raise MalformedBodyError(f"the header row is longer than {max_line} bytes", field="header")
    if not taken.strip():
        raise EmptyInputError("the input is empty: a CSV needs a header row naming the features", field="input")
    line, newline, rest = taken.partition(b"\n")
    return line.removesuffix(b"\r"), len(line) + len(newline), rest


def skip_partial_line(stream: Readable) -> tuple[int, bytes]:
    """Read past the next line break: the bytes consumed through it, and those read after it."""
    consumed = 0
    while True:
        data = stream.read(_STEP)
        if not data:
            return consumed, b""
        newline = data.find(b"\n")
        if newline >= 0:
            return consumed + newline + 1, data[newline + 1 :]
        consumed += len(data)


class HashingSink:
    """Writes to ``sink``, gzipping first when asked, and keeps the sha256 and size of the bytes stored."""

    def __init__(self, sink: Sink, gzip: bool) -> None:
        self._sink = sink
        self._hash = hashlib.sha256()
        self.size = 0
        # wbits=31: a gzip member with mtime 0, so the same rows always give the same bytes and the same sha256.
        self._gzip = zlib.compressobj(6, zlib.DEFLATED, 31) if gzip else None

    def write(self, data: bytes) -> None:
        self._store(self._gzip.compress(data) if self._gzip else data)

    def _store(self, data: bytes) -> None:
        if data:
            self._hash.update(data)
            self.size += len(data)
            self._sink.write(data)

    def commit(self) -> None:
        if self._gzip:
            self._store(self._gzip.flush())
        self._sink.commit()

    def abort(self) -> None:
        self._sink.abort()

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()
