"""``serverless-ml models promote NAME VERSION --alias ALIAS --to URI``: point an alias at a published version.

The services reading the store answer with it from their next refresh (``MODELS_REFRESH_SECONDS``), no redeploy.
"""

from __future__ import annotations

import argparse

from core.prediction.store import publishing
from handlers.cli.store_access import open_store, store_argument


class ModelsPromote:
    name = "models promote"
    help = "point an alias (prod, staging, ...) of a model at one of its published versions"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("model", metavar="NAME")
        parser.add_argument("version", metavar="VERSION", help="a published version")
        parser.add_argument("--alias", default="prod", help="default: prod, the alias services answer with")
        store_argument(parser)

    def run(self, args: argparse.Namespace) -> int:
        storage, root = open_store(args.to)
        before, _ = publishing.promote(storage, root, args.model, args.version, args.alias)
        if before == args.version:
            print(f"{args.model} {args.alias} is already {args.version}")
        else:
            print(f"{args.model} {args.alias}: {before or 'none'} -> {args.version}")
        return 0


COMMAND = ModelsPromote()
