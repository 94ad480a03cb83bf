"""Reads a byte stream as lines, one bounded block at a time: memory stays flat whatever the file's size.

A line longer than ``max_line`` bytes is not buffered: it is skipped to its end and reported by its
offset, so one 100 MB line (or a binary file without line breaks) costs ``max_line`` of memory and one
refused row, not a crash. Blank lines are not rows. A CRLF line loses its CR, nothing else.
"""

from __future__ import annotations

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
    """Consecutive non-blank lines, their byte offsets, and which of them were too long to keep."""

    lines: list[bytes]
    offsets: npt.NDArray[np.int64]
    oversize: dict[int, int] = field(default_factory=dict)
    """Index in ``lines`` (whose entry is then empty) -> the skipped line's length in bytes."""


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
        if block.lines:
            yield block
        if done:
            return
    tail = _tail(state, end)
    if tail.lines:
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
        return _block(pending, [], state.start, end), False
    lines = buffer[:last].split(b"\n")
    first = state.start
    state.carry, state.start = buffer[last + 1 :], state.start + last + 1
    block = _block(pending, lines, first, end, max_line, b"\r" in buffer)
    done = end is not None and state.start >= end
    _maybe_skip(state, max_line)
    return block, done


def _maybe_skip(state: _State, max_line: int) -> None:
    if len(state.carry) > max_line:
        state.skipping, state.carry = len(state.carry), b""


def _tail(state: _State, end: int | None) -> Block:
    if state.skipping >= 0:
        return _block([(state.start, state.skipping)], [], state.start, end)
    return _block([], [state.carry] if state.carry else [], state.start, end)


def _empty() -> Block:
    return Block([], np.empty(0, dtype=np.int64))


def _block(
    pending: list[tuple[int, int]],
    lines: list[bytes],
    first: int,
    end: int | None,
    max_line: int = MAX_LINE_BYTES,
    has_cr: bool = True,
) -> Block:
    """The kept lines (and the too-long ones before them) that start before ``end``, blank lines dropped."""
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    offsets = first + np.concatenate(([0], np.cumsum(lengths + 1)[:-1])) if lines else lengths
    oversize = {i: length for i, (_, length) in enumerate(pending)}
    lines = [b""] * len(pending) + lines
    offsets = np.concatenate((np.array([o for o, _ in pending], dtype=np.int64), offsets))
    if lengths.size and int(lengths.max()) > max_line:
        for i in np.flatnonzero(lengths > max_line) + len(pending):
            oversize[int(i)], lines[int(i)] = len(lines[int(i)]) + 1, b""
    if end is not None and offsets.size and offsets[-1] >= end:
        keep = int(np.searchsorted(offsets, end))
        lines, offsets = lines[:keep], offsets[:keep]
        oversize = {i: n for i, n in oversize.items() if i < keep}
    return _without_blanks(Block(lines, offsets, oversize), has_cr)


def _without_blanks(block: Block, has_cr: bool) -> Block:
    """Drop empty lines (keeping the too-long ones, which are empty placeholders) and CRs before line breaks."""
    if has_cr:
        block.lines = [line[:-1] if line.endswith(b"\r") else line for line in block.lines]
    if b"" not in block.lines or len(block.oversize) == block.lines.count(b""):
        return block
    keep = np.array([bool(line) or i in block.oversize for i, line in enumerate(block.lines)], dtype=bool)
    index = np.flatnonzero(keep)
    renumber = {int(old): new for new, old in enumerate(index)}
    block.lines = [block.lines[i] for i in index]
    block.offsets = block.offsets[index]
    block.oversize = {renumber[i]: n for i, n in block.oversize.items()}
    return block
