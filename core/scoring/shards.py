"""Splitting one input into N parts by byte range, and naming each part's outputs.

A shard owns the lines that *start* inside its byte range, so every line belongs to exactly one shard
whatever the range boundaries cut through, and the parts' rows, read in order, are the whole file's
rows. A gzip stream cannot be entered in the middle: shard 0 scores all of it and the others write
an empty part (with its header), so a job of N tasks still gives N complete parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import InvalidInputError

MAX_SHARDS = 10_000
"""Cloud Run jobs' limit on tasks; part names keep five digits."""

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Shard:
    """The ``index``-th (from 0) of ``count`` parts."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARDS:
            raise InvalidInputError(f"shard count must be 1 to {MAX_SHARDS}, got {self.count}", field="shard")
        if not 0 <= self.index < self.count:
            raise InvalidInputError(
                f"shard index must be 0 to {self.count - 1} for {self.count} shards, got {self.index}", field="shard"
            )

    def byte_range(self, size: int) -> tuple[int, int]:
        """``[start, end)``: the bytes whose line starts this shard owns."""
        return self.index * size // self.count, (self.index + 1) * size // self.count

    def part_name(self, extension: str) -> str:
        return f"part-{self.index:05d}-of-{self.count:05d}.{extension}"


def parse_shard(text: str) -> Shard:
    """``"I/N"`` (I from 0) as a ``Shard``; ``InvalidInputError`` (field ``shard``) for anything else."""
    match = _SPEC.fullmatch(text)
    if not match:
        raise InvalidInputError(f"shard must be I/N, e.g. 0/4 for the first of four, got {text!r}", field="shard")
    return Shard(int(match.group(1)), int(match.group(2)))


def part_uri(prefix: str, shard: Shard, extension: str) -> str:
    """Where a shard's output goes under the output prefix ``prefix``."""
    return f"{prefix.rstrip('/')}/{shard.part_name(extension)}"
