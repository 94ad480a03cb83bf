"""``serverless-ml score``: score a table where it lives (a path, ``s3://`` or ``gs://``), streamed, into an output.

Sharding comes from ``--shard I/N`` or, when absent, from Cloud Run's ``CLOUD_RUN_TASK_INDEX`` and
``CLOUD_RUN_TASK_COUNT``, so a job of N tasks runs this command unchanged. Progress is a bar on a
terminal and a log line every few seconds otherwise (a job's logs), both on stderr; the summary goes
to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import InvalidInputError
from core.scoring.job import Progress, ScoreRequest, score
from core.scoring.shards import Shard, parse_shard
from handlers.models_source import models
from handlers.settings import settings
from handlers.storage import storage_for

LOG_EVERY_SECONDS = 5.0


def shard_from(option: str | None, environ: dict[str, str] | os._Environ[str] = os.environ) -> Shard | None:
    """``--shard`` if given, else Cloud Run's task index and count, else None (one unsharded output)."""
    if option is not None:
        return parse_shard(option)
    index, count = environ.get("CLOUD_RUN_TASK_INDEX"), environ.get("CLOUD_RUN_TASK_COUNT")
    if index is None and count is None:
        return None
    if not (index or "").isdigit() or not (count or "").isdigit():
        raise InvalidInputError(
            f"CLOUD_RUN_TASK_INDEX and CLOUD_RUN_TASK_COUNT must be whole numbers, got {index!r} and {count!r}",
            field="shard",
        )
    return Shard(int(index or 0), int(count or 0))


class Score:
    name = "score"
    help = "score a CSV or JSON Lines table (local, s3:// or gs://) with a model, streamed, into an output"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--model", required=True, help="the model's name (serverless-ml models list)")
        parser.add_argument("--input", required=True, help="a path, s3://bucket/key or gs://bucket/name")
        parser.add_argument("--output", required=True, help="where the scored table goes (a prefix with --shard)")
        parser.add_argument("--shard", help="I/N: score the I-th (from 0) of N byte ranges into OUTPUT/part-...")
        parser.add_argument(
            "--models-dir", type=Path, help="default: where the service's models are (MODELS_URI, else models/)"
        )

    def run(self, args: argparse.Namespace) -> int:
        # As the service does: the store at MODELS_URI (its alias, MODELS_ALIAS) when set, else the bundled models.
        source = args.models_dir if args.models_dir is not None else models(settings())
        request = ScoreRequest(args.model, args.input, args.output, shard_from(args.shard), source)
        with _reporter(sys.stderr.isatty()) as report:
            manifest = score(request, storage_for, report)
        rows = manifest["rows"]
        print(
            f"scored {rows['scored']} of {rows['read']} rows ({rows['refused']} refused) into "
            f"{manifest['output']['uri']}; manifest {manifest['output']['uri']}.manifest.json"
        )
        return 0


@contextmanager
def _reporter(terminal: bool) -> Iterator[Callable[[Progress], None]]:
    if terminal:
        with _bar() as report:
            yield report
        return
    started = last = time.monotonic()

    def log(progress: Progress) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= LOG_EVERY_SECONDS:
            last = now
            rate = progress.counts.read / max(now - started, 1e-9)
            print(
                f"score: {progress.counts.read} rows read, {progress.counts.refused} refused, {rate:,.0f} rows/s",
                file=sys.stderr,
                flush=True,
            )

    yield log


@contextmanager
def _bar() -> Iterator[Callable[[Progress], None]]:
    from rich.progress import BarColumn, Progress as Bar, TextColumn, TimeRemainingColumn  # a terminal only

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TextColumn("{task.fields[rate]:,.0f} rows/s"),
        TimeRemainingColumn(),
    )
    started = time.monotonic()
    with Bar(*columns, transient=False) as bar:
        task = bar.add_task("scoring", total=None, rows=0, rate=0.0)

        def report(progress: Progress) -> None:
            rate = progress.counts.read / max(time.monotonic() - started, 1e-9)
            total = progress.bytes_total or None
            bar.update(task, total=total, completed=progress.bytes_read, rows=progress.counts.read, rate=rate)

        yield report


COMMAND = Score()
