"""Reads a byte stream as lines, one bounded block at a time: memory stays flat whatever the file's size.

A line longer than ``max_line`` bytes is not buffered: it is skipped to its end and reported by its
offset, so one 100 MB line (or a binary file without line breaks) costs ``max_line`` of memory and one
refused row, not a crash. Blank lines are not rows. A CRLF line loses its CR, nothing else.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from core.scoring.storage import Readable

BLOCK_BYTES = 1 << 20
"""Bytes read at once: large enough that numpy's per-call costs vanish, small enough to keep memory flat."""

MAX_LINE_BYTES = 1 << 20
"""The longest line kept; a longer one is refused as a row, never held in memory."""


@dataclass
class Block:
    """Consecutive non-blank lines of ``data``, their byte offsets, and which of them were too long to keep.

    Lines are spans of ``data`` (``starts``/``ends``, line break and CR excluded), not one bytes object each:
    the common case is parsed and written from ``data`` by numpy in bulk, and ``lines`` is built only for a
    block that needs looking at row by row.
    """

    data: bytes
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    offsets: npt.NDArray[np.int64]
    """Each line's offset in the input."""
    oversize: dict[int, int] = field(default_factory=dict)
    """Index of a line (whose span is then empty) -> the skipped line's length in bytes."""
    plain: bool = False
    """The lines are ``data[starts[0]:ends[-1]]`` split at its line breaks, LF or CRLF (no blank or skipped line)."""

    def __len__(self) -> int:
        return len(self.starts)

    @functools.cached_property
    def lines(self) -> list[bytes]:
        data = self.data
        return [data[s:e] for s, e in zip(self.starts.tolist(), self.ends.tolist(), strict=True)]

    def part(self, start: int, stop: int) -> Block:
        """Lines ``start`` to ``stop`` (not included) as a block of their own, over the same bytes."""
        oversize = {i - start: n for i, n in self.oversize.items() if start <= i < stop}
        span = slice(start, stop)
        return Block(self.data, self.starts[span], self.ends[span], self.offsets[span], oversize, self.plain)

    @property
    def region(self) -> bytes:
        """The bytes of a ``plain`` block's lines, with the line breaks between them."""
        return self.data[int(self.starts[0]) : int(self.ends[-1])] if len(self) else b""


@dataclass
class _State:
    carry: bytes = b""
    start: int = 0
    """Offset of ``carry``'s first byte (or of the line being skipped)."""
    skipping: int = -1
    """Bytes of the too-long line being skipped so far; -1 when none is."""


def read_blocks(
    stream: Readable,
    offset: int,
    end: int | None = None,
    block_bytes: int = BLOCK_BYTES,
    max_line: int = MAX_LINE_BYTES,
) -> Iterator[Block]:
    """The lines of ``stream`` (positioned at ``offset``, a line start) that start before ``end`` (None: all)."""
    state = _State(start=offset)
    while True:
        data = stream.read(block_bytes)
        if not data:
            break
        block, done = _take(state, data, end, max_line)
        if len(block):
            yield block
        if done:
            return
    tail = _tail(state, end)
    if len(tail):
        yield tail


def _take(state: _State, data: bytes, end: int | None, max_line: int) -> tuple[Block, bool]:
    pending: list[tuple[int, int]] = []  # (offset, length) of too-long lines finished in this read
    if state.skipping >= 0:
        newline = data.find(b"\n")
        if newline < 0:
            state.skipping += len(data)
            return _empty(), False
        state.skipping += newline + 1
        pending.append((state.start, state.skipping))
        state.start += state.skipping
        state.skipping, data = -1, data[newline + 1 :]
    buffer = state.carry + data
    last = buffer.rfind(b"\n")
    if last < 0:
        state.carry = buffer
        _maybe_skip(state, max_line)
        return _block(pending, b"", -1, state.start, end), False
    first = state.start
    state.carry, state.start = buffer[last + 1 :], state.start + last + 1
    block = _block(pending, buffer, last, first, end, max_line)
    done = end is not None and state.start >= end
    _maybe_skip(state, max_line)
    return block, done


def _maybe_skip(state: _State, max_line: int) -> None:
    if len(state.carry) > max_line:
        state.skipping, state.carry = len(state.carry), b""


def _tail(state: _State, end: int | None) -> Block:
    if state.skipping >= 0:
        return _block([(state.start, state.skipping)], b"", -1, state.start, end)
    return _block([], state.carry, len(state.carry) if state.carry else -1, state.start, end)


def _empty() -> Block:
    nothing = np.empty(0, dtype=np.int64)
    return Block(b"", nothing, nothing, nothing)


def _block(
    pending: list[tuple[int, int]],
    data: bytes,
    stop: int,
    first: int,
    end: int | None,
    max_line: int = MAX_LINE_BYTES,
) -> Block:
    """The lines of ``data[:stop]`` (none when ``stop`` is -1), after the too-long ones finished before them,
    that start before ``end``; blank lines dropped. ``first`` is the offset of ``data``'s first byte."""
    if stop >= 0:
        breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8, count=stop) == 10)
        starts = np.concatenate(([0], breaks + 1)).astype(np.int64)
        ends = np.append(breaks, stop).astype(np.int64)
    else:
        starts = ends = np.empty(0, dtype=np.int64)
    lengths = ends - starts
    too_long = np.flatnonzero(lengths > max_line)
    ends[too_long] = starts[too_long]
    if stop > 0 and data.find(b"\r", 0, stop) >= 0:
        view = np.frombuffer(data, dtype=np.uint8)
        ends -= (ends > starts) & (view[np.maximum(ends - 1, 0)] == 13)
    skipped = len(pending)
    oversize = {i: length for i, (_, length) in enumerate(pending)}
    oversize.update({int(i) + skipped: int(lengths[i]) + 1 for i in too_long})
    nothing = np.zeros(skipped, dtype=np.int64)
    block = Block(
        data,
        np.concatenate((nothing, starts)),
        np.concatenate((nothing, ends)),
        np.concatenate((np.array([o for o, _ in pending], dtype=np.int64), first + starts)),
        oversize,
    )
    if end is not None and block.offsets.size and block.offsets[-1] >= end:
        keep = int(np.searchsorted(block.offsets, end))
        block.starts, block.ends, block.offsets = block.starts[:keep], block.ends[:keep], block.offsets[:keep]
        block.oversize = {i: n for i, n in oversize.items() if i < keep}
    return _without_blanks(block)


def _without_blanks(block: Block) -> Block:
    """Drop empty lines (keeping the too-long ones, which are empty placeholders)."""
    blank = block.ends == block.starts
    if block.oversize:
        blank[list(block.oversize)] = False
    if not blank.any():
        block.plain = not block.oversize
        return block
    index = np.flatnonzero(~blank)
    renumber = {int(old): new for new, old in enumerate(index)}
    block.starts, block.ends, block.offsets = block.starts[index], block.ends[index], block.offsets[index]
    block.oversize = {renumber[i]: n for i, n in block.oversize.items()}
    return block
