"""Which table format a URI holds, read from its name: CSV or JSON Lines, gzipped when it ends in ``.gz``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.errors import InvalidInputError

Kind = Literal["csv", "jsonl"]

_KINDS: dict[str, Kind] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class TableFormat:
    """A table's layout (``csv`` with a header row, or ``jsonl``: one JSON object per line) and compression."""

    kind: Kind
    gzip: bool

    @property
    def extension(self) -> str:
        """The suffix a part of this format is named with, e.g. ``csv.gz``."""
        return self.kind + (".gz" if self.gzip else "")


def format_of(uri: str, field: str) -> TableFormat:
    """The format ``uri``'s name declares; ``InvalidInputError`` naming ``field`` for any other name."""
    name = uri.rsplit("/", 1)[-1].lower()
    compressed = name.endswith(".gz")
    stem = name[: -len(".gz")] if compressed else name
    kind = next((kind for suffix, kind in _KINDS.items() if stem.endswith(suffix)), None)
    if kind is None:
        raise InvalidInputError(
            f"{field} {uri.rsplit('/', 1)[-1]!r} is neither CSV nor JSON Lines: name it .csv, .jsonl or .ndjson "
            "(add .gz when it is gzipped)",
            field=field,
        )
    return TableFormat(kind, compressed)
