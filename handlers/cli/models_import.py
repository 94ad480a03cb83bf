"""``serverless-ml models import PATH --name NAME --sample CSV``: serve a fitted estimator the user brings.

The file is unpickled (joblib or pickle), which runs code from it: import only files you trust, your own.
This command is the only place that ever unpickles; serving reads the plain-data artifacts it writes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.paths import MODELS_DIR


class ModelsImport:
    name = "models import"
    help = (
        "convert a fitted scikit-learn estimator or pipeline (a joblib or pickle file) into a served model. "
        "The file is unpickled, which runs code from it: import only trusted files, your own."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="the fitted estimator: a joblib or pickle file you trust")
        parser.add_argument("--name", required=True, help="the model's name in the routes (/models/NAME)")
        parser.add_argument(
            "--sample",
            type=Path,
            required=True,
            help="CSV with a header naming the model's input columns: checks agreement, gives the feature schema",
        )
        parser.add_argument("--models-dir", type=Path, default=MODELS_DIR, help="default: the bundled models/")
        parser.add_argument("--version", default="1.0.0", help="the model's version (default 1.0.0)")
        parser.add_argument("--description", default="", help="one sentence for /models and the API docs")

    def run(self, args: argparse.Namespace) -> int:
        from core.prediction.importing.importer import import_model  # import side only: scikit-learn, joblib

        result = import_model(args.path, args.name, args.sample, args.models_dir, args.version, args.description)
        print(result.summary)
        return 0


COMMAND = ModelsImport()
