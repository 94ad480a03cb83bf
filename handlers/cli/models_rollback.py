"""``serverless-ml models rollback NAME --alias ALIAS --to URI``: the alias back at the version it named before.

Each rollback undoes one promotion (two after three promotions give the first version); the services pick
it up at their next refresh, as a promotion.
"""

from __future__ import annotations

import argparse

from core.prediction.store import publishing
from handlers.cli.store_access import open_store, store_argument


class ModelsRollback:
    name = "models rollback"
    help = "point an alias of a model back at the version it named before its last promotion"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("model", metavar="NAME")
        parser.add_argument("--alias", default="prod", help="default: prod")
        store_argument(parser)

    def run(self, args: argparse.Namespace) -> int:
        storage, root = open_store(args.to)
        before, after = publishing.rollback(storage, root, args.model, args.alias)
        print(f"{args.model} {args.alias}: {before} -> {after} (rolled back)")
        return 0


COMMAND = ModelsRollback()
