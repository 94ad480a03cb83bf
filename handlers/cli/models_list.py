"""``serverless-ml models list``: the models this installation serves, their versions and where they come from.

With ``--from URI``, a store's models instead: every published version (created, published, metrics) and
the aliases that name it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from core.paths import MODELS_DIR
from core.prediction import service


class ModelsList:
    name = "models list"
    help = "list the models served from a models directory (name, version, task, features)"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--models-dir", type=Path, default=MODELS_DIR, help="default: the bundled models/")
        parser.add_argument(
            "--from", dest="store", metavar="URI", help="a store: file:DIR, s3://bucket/prefix, gs://..."
        )
        parser.add_argument("--json", action="store_true", help="print the catalogue as JSON, as GET /models does")

    def run(self, args: argparse.Namespace) -> int:
        if args.store:
            return _list_store(args.store, args.json)
        catalogue = service.list_models(args.models_dir)
        if args.json:
            sys.stdout.write(orjson.dumps(catalogue, option=orjson.OPT_INDENT_2).decode() + "\n")
            return 0
        for model in catalogue["models"]:
            features = ", ".join(f["name"] for f in model.get("features", []))
            print(f"{model['name']}\t{model['version']}\t{model.get('task', '')}\t{features}")
        for missing in catalogue.get("unavailable", []):
            print(f"{missing['name']}\tunavailable\t{missing.get('reason', '')}", file=sys.stderr)
        return 0


def _list_store(uri: str, as_json: bool) -> int:
    from core.prediction.store.publishing import listing
    from handlers.cli.store_access import open_store

    storage, root = open_store(uri)
    models = listing(storage, root)
    if as_json:
        sys.stdout.write(orjson.dumps({"store": root, "models": models}, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    print("name\tversion\taliases\tcreated_at\tpublished_at\tmetrics")
    for model in models:
        for v in model["versions"]:
            metrics = ", ".join(f"{k}={_short(m)}" for k, m in v["metrics"].items())
            aliases = ",".join(v["aliases"]) or "-"
            print(f"{model['name']}\t{v['version']}\t{aliases}\t{v['created_at']}\t{v['published_at']}\t{metrics}")
    return 0


def _short(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


COMMAND = ModelsList()
