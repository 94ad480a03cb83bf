"""``serverless-ml models publish NAME --to URI [--from DIR] [--version V]``: a model's artifact as a new
version in a store; a published version is never overwritten, so what a service once served stays what it was.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.paths import MODELS_DIR
from core.prediction.store import publishing
from handlers.cli.store_access import open_store, store_argument


class ModelsPublish:
    name = "models publish"
    help = "copy a model's artifact to a store as a new version (a published version is never overwritten)"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("model", metavar="NAME", help="the model (its NAME.meta.json and artifact in --from)")
        store_argument(parser)
        parser.add_argument("--from", dest="source", type=Path, default=MODELS_DIR, help="default: the bundled models/")
        parser.add_argument("--version", help="the version to publish as (default: the one in its metadata)")

    def run(self, args: argparse.Namespace) -> int:
        storage, root = open_store(args.to)
        meta = publishing.publish(storage, root, args.model, args.source, args.version)
        print(f"published {args.model} {meta['version']} to {root}/{args.model}/{meta['version']}/")
        return 0


COMMAND = ModelsPublish()
