"""The scoring use case: one input (or one shard of it) through one model, to an output, its errors and a manifest.

The manifest is the commit marker, written last: the old one is deleted before anything else, the
output and the errors file are committed whole (never half written), then the manifest records what
they hold. So a run that stops anywhere leaves either a manifest that tells the truth or no manifest.
A failure the input or the request causes (unknown model, wrong header, not gzip) is permanent: it is
written as an error manifest (``status: failed``, no rows claimed) and raised. A storage failure
(``UpstreamError``) is transient: nothing is committed, no manifest is written, and it is raised for
the caller to retry.
"""

from __future__ import annotations

import datetime as dt
import gzip
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import orjson

from core.errors import CoreError, InvalidInputError, UpstreamError
from core.paths import MODELS_DIR
from core.prediction.artifacts import ServedModel
from core.prediction.catalogue import ModelsAt, snapshot_of
from core.prediction.service import ArrayAnswer, answer_arrays, predict_matrix, served_model
from core.scoring import output
from core.scoring.formats import TableFormat, format_of
from core.scoring.lines import Block, read_blocks
from core.scoring.manifest import Counts, Targets, error_manifest, manifest_of, targets_of
from core.scoring.rows import Parsed, csv_layout, parse_csv, parse_jsonl
from core.scoring.shards import Shard
from core.scoring.storage import ObjectInfo, Readable, Storage, StorageFor, write_object
from core.scoring.streams import HashingSink, Prefixed, read_header, skip_partial_line


@dataclass(frozen=True)
class ScoreRequest:
    """Score ``input`` with ``model`` into ``output`` (a prefix of parts when ``shard`` is given)."""

    model: str
    input: str
    output: str
    shard: Shard | None = None
    models_dir: ModelsAt = MODELS_DIR
    """The bundled directory by default, or a catalogue (a store's): one snapshot of it scores the whole input."""


@dataclass
class Progress:
    """Where a run is: rows so far, and bytes of the input read against those it will read."""

    counts: Counts
    bytes_read: int = 0
    bytes_total: int = 0


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class _Run:
    request: ScoreRequest
    targets: Targets
    storage_for: StorageFor
    on_progress: Callable[[Progress], None]
    now: Callable[[], str]
    progress: Progress = field(default_factory=lambda: Progress(Counts()))
    base: int = 0
    """Offset of the first byte this run reads, so progress counts from it."""


def score(
    request: ScoreRequest,
    storage_for: StorageFor,
    on_progress: Callable[[Progress], None] | None = None,
    now: Callable[[], str] = utc_now,
) -> dict[str, Any]:
    """Score the request's input and return the manifest written beside the output.

    Raises
    ------
    InvalidInputError, NotFoundError, ModelUnavailableError
        Permanent: the error manifest is written first (unless the request's names alone are wrong).
    UpstreamError
        Transient (storage throttled, unreachable, a read cut mid-stream): nothing committed, no manifest.
    """
    targets = targets_of(request.input, request.output, request.shard)
    request = replace(request, models_dir=snapshot_of(request.models_dir))  # one version for every row
    run = _Run(request, targets, storage_for, on_progress or (lambda _: None), now)
    started = now()
    store = storage_for(targets.manifest)
    store.delete(targets.manifest)
    try:
        manifest = _score(run, started)
    except UpstreamError:
        raise
    except CoreError as exc:
        write_object(store, targets.manifest, _json(error_manifest(request, targets, exc, started, now())))
        raise
    write_object(store, targets.manifest, _json(manifest))
    return manifest


def _json(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _score(run: _Run, started: str) -> dict[str, Any]:
    request = run.request
    model = served_model(request.model, request.models_dir)
    source = run.storage_for(request.input)
    info = source.stat(request.input)
    in_format, out_format = format_of(request.input, "input"), format_of(run.targets.output, "output")
    if in_format.kind != out_format.kind:
        raise InvalidInputError(
            f"the output must be {in_format.kind.upper()} like the input: name it .{in_format.kind}", field="output"
        )
    probe = predict_matrix(request.model, np.zeros((1, len(model.spec.features))), request.models_dir)
    columns = output.answer_columns(probe)
    with ExitStack() as stack:
        blocks, header = _open(source, request, in_format, info, stack, run)
        sinks = [_sink(run, run.targets.output, out_format.gzip), _sink(run, run.targets.errors, False)]
        try:
            _write(run, blocks, header, columns, sinks, in_format)
            for sink in sinks:
                sink.commit()
        except BaseException:
            for sink in sinks:
                sink.abort()
            raise
    return manifest_of(request, run.targets, info, run.progress.counts, sinks[0], model.version, started, run.now())


def _sink(run: _Run, uri: str, gzip_it: bool) -> HashingSink:
    return HashingSink(run.storage_for(uri).create(uri), gzip_it)


def _open(
    source: Storage, request: ScoreRequest, fmt: TableFormat, info: ObjectInfo, stack: ExitStack, run: _Run
) -> tuple[Iterator[Block], bytes | None]:
    """The blocks of lines this shard owns, and the CSV header (None for JSON Lines)."""
    shard = request.shard or Shard(0, 1)
    start, end = shard.byte_range(info.size)
    raw = stack.enter_context(source.open(request.input, 0 if fmt.gzip else max(start - 1, 0)))  # see below
    stream: Readable = raw
    if fmt.gzip:
        stream = stack.enter_context(_Gunzip(fileobj=raw, mode="rb"))
        start = 0
        end_of_data: int | None = None if shard.index == 0 else 0
    else:
        end_of_data = end
    run.progress.bytes_total = 0 if fmt.gzip else end - start  # a gzip stream's size is known only at its end
    header: bytes | None = None
    position = start
    if fmt.kind == "csv":
        head = stream if start == 0 else stack.enter_context(source.open(request.input))
        header, header_size, rest = read_header(head)
        if start == 0:
            stream, position = Prefixed(rest, stream), header_size
    if start > 0:  # read from start - 1 through its line break: the next byte is the first line start >= start
        skipped, rest = skip_partial_line(stream)
        stream, position = Prefixed(rest, stream), start + skipped - 1
    run.base = position
    if end_of_data is not None and position >= end_of_data:
        return iter(()), header
    return read_blocks(stream, position, end_of_data), header


class _Gunzip(gzip.GzipFile):
    """A gzip stream whose corruption is the input's fault (permanent), not a crash."""

    def read(self, size: int | None = -1) -> bytes:
        try:
            return super().read(size)
        except (OSError, EOFError, zlib.error) as exc:
            if isinstance(exc, UpstreamError):
                raise
            raise InvalidInputError(f"the input is not a valid gzip stream: {exc}", field="input") from None


def _write(
    run: _Run,
    blocks: Iterator[Block],
    header: bytes | None,
    columns: tuple[str, ...],
    sinks: list[HashingSink],
    fmt: TableFormat,
) -> None:
    out, errors = sinks
    model = served_model(run.request.model, run.request.models_dir)
    layout = csv_layout(model.spec, header) if header is not None else None
    if header is not None:
        out.write(output.csv_header(header, columns))
    counts = run.progress.counts
    for block in blocks:
        first = counts.read + 1
        parsed = (
            parse_csv(model.spec, layout, block, first) if layout is not None else parse_jsonl(model.spec, block, first)
        )
        answer, parsed = _predict(model, parsed, first)
        out.write(_render(block, parsed, answer, fmt, columns))
        errors.write(b"".join(_error_line(block, first, refusal) for refusal in parsed.refused))
        counts.read += len(block)
        counts.scored += len(parsed.kept)
        counts.refused += len(parsed.refused)
        run.progress.bytes_read = int(block.offsets[-1]) - run.base
        run.on_progress(run.progress)


def _render(block: Block, parsed: Parsed, answer: ArrayAnswer, fmt: TableFormat, columns: tuple[str, ...]) -> bytes:
    """The kept rows, each input line as it came then its answers: built in bulk from the block's bytes (a JSON
    line ending in a space or with anything after its brace: row by row, as ``output.jsonl_rows`` writes it)."""
    if not parsed.kept:
        return b""
    kept = np.asarray(parsed.kept, dtype=np.intp) if parsed.refused else slice(None)
    starts, ends = block.starts[kept], block.ends[kept]
    if fmt.kind == "csv":
        return output.csv_lines(block.data, starts, ends, output.answer_cells(answer))
    fast = output.jsonl_lines(block.data, starts, ends, answer, columns)
    if fast is not None:
        return fast
    lines = [block.lines[i] for i in parsed.kept] if parsed.refused else block.lines
    predictions, probabilities = answer.listed()
    listed: dict[str, Any] = {"predictions": predictions}
    if probabilities is not None:
        listed["probabilities"] = probabilities
    if answer.raw.ndim == 2 and answer.labels is not None:
        listed["classes"] = list(answer.labels)
    return output.jsonl_rows(lines, listed)


def _error_line(block: Block, first: int, refusal: Any) -> bytes:
    record = {
        "row": first + refusal.index,
        "offset": int(block.offsets[refusal.index]),
        "field": refusal.field,
        "message": refusal.message,
    }
    return orjson.dumps(record) + b"\n"


def _predict(model: ServedModel, parsed: Parsed, first: int) -> tuple[ArrayAnswer, Parsed]:
    """The block's answers; a row whose values are too large for a finite answer is refused alone."""
    try:
        return answer_arrays(model, parsed.x), parsed
    except InvalidInputError:
        pass
    from core.scoring.rows import Refusal

    kept, rows, refused = [], [], list(parsed.refused)
    for i, row in zip(parsed.kept, parsed.x, strict=True):
        try:
            answer_arrays(model, row[None, :])
        except InvalidInputError as exc:  # the message numbers the row in its one-row matrix: say which it is
            refused.append(Refusal(i, exc.field, exc.message.replace("row 0:", f"row {first + i}:", 1)))
        else:
            kept.append(i)
            rows.append(row)
    refused.sort(key=lambda r: r.index)
    x = np.array(rows, dtype=np.float64).reshape(len(rows), parsed.x.shape[1])
    return answer_arrays(model, x), Parsed(x, kept, refused)
