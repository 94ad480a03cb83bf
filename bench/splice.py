"""Writes a generated block into a hand-kept document between its two marker lines, and nothing else.

``make bench`` and ``make soak`` each own one block of ``docs/benchmarks.md``: each rewrites its own and
keeps the other's figures and any prose written by hand around them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal


def splice(path: Path, start: str, end: str, body: str, *, new_at: Literal["top", "bottom"] = "bottom") -> None:
    """Put ``body`` between the lines ``start`` and ``end`` of ``path``, replacing what was between them.

    A document without the markers (or no document yet) gets the block at ``new_at``, with its markers, so
    the next run finds them. The body is written as given (a newline added if it lacks one); the blank
    lines after the old block are dropped.
    """
    if not body.endswith("\n"):
        body += "\n"
    block = f"{start}\n{body}{end}\n"
    existing = path.read_text() if path.exists() else ""
    if start in existing and end in existing:
        before, rest = existing.split(start, 1)
        text = before + block + rest.split(end, 1)[1].lstrip("\n")
    elif not existing:
        text = block
    elif new_at == "top":
        text = block + "\n" + existing
    else:
        text = existing.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
