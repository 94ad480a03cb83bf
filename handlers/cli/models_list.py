"""``serverless-ml models list``: the models this installation serves, their versions and where they come from."""

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
        parser.add_argument("--json", action="store_true", help="print the catalogue as JSON, as GET /models does")

    def run(self, args: argparse.Namespace) -> int:
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


COMMAND = ModelsList()
