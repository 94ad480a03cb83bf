"""Output text built from spans: every piece of every row is a span of one source buffer, and numpy copies
them all in one gather.

A block of 50,000 rows written one Python string at a time spends most of its time making those strings;
here each column of pieces (an input line, a comma, a label, a number) is two arrays, starts and lengths,
and the rows come out of one ``take``. Used where answers are written in bulk: the scoring job's output
lines, a warehouse's reply body.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

Lengths = npt.NDArray[np.int64]


class Pieces:
    """Spans of one growing source buffer, one column of spans per piece of an output row."""

    def __init__(self, data: bytes) -> None:
        self._sources = [data]
        self._size = len(data)
        self._starts: list[Lengths] = []
        self._lengths: list[Lengths] = []

    def _source(self, blob: bytes) -> int:
        base = self._size
        self._sources.append(blob)
        self._size += len(blob)
        return base

    def add(self, starts: Lengths, lengths: Lengths) -> None:
        self._starts.append(np.asarray(starts, dtype=np.int64))
        self._lengths.append(np.asarray(lengths, dtype=np.int64))

    def texts(self, texts: Sequence[bytes], index: npt.NDArray[np.intp] | None) -> None:
        """``texts[index[i]]`` for row ``i`` (``texts[0]`` for every row when ``index`` is None)."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = self._source(b"".join(texts)) + np.cumsum(lengths) - lengths
        self.add(*((starts[0], lengths[0]) if index is None else (starts[index], lengths[index])))

    def numbers(self, values: npt.NDArray[np.float64], comma: bool, as_repr: bool) -> None:
        """Each value as orjson writes it (JSON's numbers), after a comma if ``comma``; ``as_repr``: as ``repr``
        writes it (CSV's), whose digits are orjson's but whose exponents differ: those few values by repr."""
        starts, lengths = self._dumped(np.ascontiguousarray(values, dtype=np.float64), comma)
        size = np.abs(values)
        exponent = np.flatnonzero((values != 0) & ((size < 1e-4) | (size >= 1e16)) & as_repr)
        if exponent.size:
            cells = [(b"," if comma else b"") + repr(v).encode() for v in values[exponent].tolist()]
            sizes = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
            starts[exponent] = self._source(b"".join(cells)) + np.cumsum(sizes) - sizes
            lengths[exponent] = sizes
        self.add(starts, lengths)

    def integers(self, values: npt.NDArray[np.int64], comma: bool) -> None:
        """Each integer in its decimal digits, after a comma if ``comma``."""
        self.add(*self._dumped(np.ascontiguousarray(values, dtype=np.int64), comma))

    def _dumped(self, values: npt.NDArray[Any], comma: bool) -> tuple[Lengths, Lengths]:
        """Where each value's JSON text starts in the source, and its length: orjson writes them all at once."""
        blob = b"," + orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1]
        commas = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == 44)
        lengths = np.diff(commas, append=len(blob))
        starts = self._source(blob) + commas
        return (starts + 1, lengths - 1) if not comma else (starts, lengths)

    def join(self, rows: int) -> bytes:
        starts = np.column_stack([np.broadcast_to(s, rows) for s in self._starts]).ravel()
        lengths = np.column_stack([np.broadcast_to(n, rows) for n in self._lengths]).ravel()
        total = int(lengths.sum())
        kind = "intp"  # take() converts any other index type to intp first: a copy as large as the output
        placed = np.cumsum(lengths) - lengths
        index = np.repeat((starts - placed).astype(kind), lengths)
        np.add(index, _counting(total, kind), out=index)  # byte k of the output is byte index[k] of the source
        source: npt.NDArray[np.uint8] = np.frombuffer(b"".join(self._sources), dtype=np.uint8)
        return bytes(source.take(index).tobytes())


@functools.cache
def _count_to(size: int, kind: str) -> npt.NDArray[Any]:
    return np.arange(size, dtype=kind)


def _counting(total: int, kind: str) -> npt.NDArray[Any]:
    """0, 1, ... total - 1, sliced from one array kept per power of two: blocks reuse it instead of building it."""
    return _count_to(1 << max(total - 1, 1).bit_length(), kind)[:total]
