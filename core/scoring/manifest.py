"""Where a run's three objects go, and the manifest that commits them (or records why there is no output).

Unsharded, ``--output`` names the output and the others sit beside it (``<output>.errors.jsonl``,
``<output>.manifest.json``); sharded, ``--output`` is a prefix holding ``part-0000I-of-0000N.<ext>`` and
its two companions, one set per shard, so shards never write the same object.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from core.errors import CoreError, InvalidInputError
from core.scoring.formats import format_of
from core.scoring.shards import Shard, part_uri
from core.scoring.storage import ObjectInfo

if TYPE_CHECKING:
    from core.scoring.job import ScoreRequest
    from core.scoring.streams import HashingSink

MANIFEST_VERSION = 1


@dataclass
class Counts:
    """Rows read (non-blank lines after the header), scored, and refused; read = scored + refused."""

    read: int = 0
    scored: int = 0
    refused: int = 0


@dataclass(frozen=True)
class Targets:
    output: str
    errors: str
    manifest: str


def targets_of(input_uri: str, output_uri: str, shard: Shard | None) -> Targets:
    """The output, errors and manifest URIs of a run; ``InvalidInputError`` for an input or output name of no format."""
    if not output_uri.strip():
        raise InvalidInputError("the output is empty: give a path or a URI", field="output")
    if shard is None:
        base = output_uri
    else:
        base = part_uri(output_uri, shard, format_of(input_uri, "input").extension)
    return Targets(base, f"{base}.errors.jsonl", f"{base}.manifest.json")


def _common(request: ScoreRequest, targets: Targets, started: str, finished: str) -> dict[str, Any]:
    shard = request.shard
    return {
        "manifest_version": MANIFEST_VERSION,
        "model": request.model,
        "input": {"uri": request.input},
        "output": {"uri": targets.output},
        "errors": {"uri": targets.errors},
        "shard": None if shard is None else {"index": shard.index, "count": shard.count},
        "started_at": started,
        "finished_at": finished,
    }


def manifest_of(
    request: ScoreRequest,
    targets: Targets,
    info: ObjectInfo,
    counts: Counts,
    out: HashingSink,
    version: str,
    started: str,
    finished: str,
) -> dict[str, Any]:
    """The manifest of a complete run: what was read, what was written, with the output's sha256."""
    manifest = _common(request, targets, started, finished)
    manifest.update(status="complete", version=version, rows=asdict(counts))
    manifest["input"].update(size=info.size, etag=info.etag)
    manifest["output"].update(sha256=out.sha256, bytes=out.size)
    manifest["errors"]["rows"] = counts.refused
    return manifest


def error_manifest(
    request: ScoreRequest, targets: Targets, error: CoreError, started: str, finished: str
) -> dict[str, Any]:
    """The manifest of a run refused for good: why, and no output and no rows claimed."""
    manifest = _common(request, targets, started, finished)
    manifest.update(
        status="failed",
        error={"type": type(error).__name__, "message": error.message, "field": error.field},
        rows={"read": 0, "scored": 0, "refused": 0},
    )
    manifest["output"] = None
    manifest["errors"] = None
    return manifest


FAILED_BODY_BYTES = 16 << 10
"""How much of a refused message a failure manifest keeps: enough to see what was sent, never a whole file."""


def failure_uri(prefix: str, source: str, message_id: str) -> str:
    """Where the failure manifest of message ``message_id`` from ``source`` goes under ``prefix``.

    Keyed by the message's id, so a redelivered message rewrites the same object (delivery is at least
    once); an id with characters an object name should not hold is replaced by its sha256.
    """
    safe = message_id if _SAFE_ID.fullmatch(message_id) else hashlib.sha256(message_id.encode()).hexdigest()
    return f"{prefix.rstrip('/')}/{source}/{safe}.manifest.json"


_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def failure_manifest(source: str, message_id: str, error: CoreError, body: bytes, at: str) -> dict[str, Any]:
    """The manifest of a message refused before any output was named: what came, from where, and why."""
    kept = body[:FAILED_BODY_BYTES]
    return {
        "manifest_version": MANIFEST_VERSION,
        "status": "failed",
        "source": source,
        "message_id": message_id,
        "error": {"type": type(error).__name__, "message": error.message, "field": error.field},
        "message": {"bytes": len(body), "head": kept.decode("utf-8", "replace"), "truncated": len(body) > len(kept)},
        "rows": {"read": 0, "scored": 0, "refused": 0},
        "finished_at": at,
    }
