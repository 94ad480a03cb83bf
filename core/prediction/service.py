"""The prediction use cases every adapter calls: describe the models, answer one row or a batch.

Results are plain dicts of str/int/float/list (numpy converted here), ready for any JSON encoder, so
adapters never touch numpy. A classifier answers a label per row (the positive one when the
probability is at least the model's threshold) and the probability; a regression answers the value.
An imported classifier answers its own labels (``classes``, in their original type, listed in the answer):
for a binary one the probability of ``classes[1]``, for a multiclass one a list per row in ``classes`` order.

A model whose module is there but whose artifacts are not (a new module before ``make models``) is
left out of the catalogue and named under ``unavailable`` with the command that builds it, so one
missing model does not take ``/models`` down with it; the other models' answers do not change.

Models come from a models directory (the bundled ``models/``) or a catalogue (a store's, which swaps
versions at run time: ``core.prediction.catalogue``). Each use case takes one snapshot of it and finds the
model there once, so a request answers wholly with one version, and ``version`` pins one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from core.errors import InvalidInputError, ModelUnavailableError
from core.paths import MODELS_DIR
from core.prediction.artifacts import ServedModel
from core.prediction.batch import parse_batch
from core.prediction.catalogue import BundledCatalogue, Catalogue, ModelsAt, snapshot_of
from core.prediction.features import Matrix, matrix_from_query
from core.prediction.forms import Vector

DEFAULT_MAX_ROWS = 100_000

BUILD_COMMAND = "make models"
"""What builds a model's artifacts (``python -m core.prediction.training NAME`` for one)."""


def served_model(name: str, models_dir: ModelsAt = MODELS_DIR, version: str | None = None) -> ServedModel:
    """The loaded model (its default version, or ``version``); ``UnknownModelError``, ``UnknownVersionError`` or
    ``ModelUnavailableError`` otherwise."""
    return snapshot_of(models_dir).served(name, version)


UNAVAILABLE = "unavailable"
"""The version ``model_versions`` gives a model that cannot be served."""


def model_versions(models_dir: ModelsAt = MODELS_DIR) -> dict[str, str]:
    """Each model's version, read from its metadata (without loading the artifact, only checking it is there)."""
    versions: dict[str, str] = {}
    catalogue = snapshot_of(models_dir)
    for name in catalogue.specs():
        try:
            versions[name] = str(catalogue.metadata(name)["version"])
        except Exception:  # noqa: BLE001 - a model without metadata is reported, not fatal to /health
            versions[name] = UNAVAILABLE
    return versions


def describe_model(name: str, models_dir: ModelsAt = MODELS_DIR, version: str | None = None) -> dict[str, Any]:
    """The model's metadata (feature schema, example row, metrics, provenance) and its routes."""
    catalogue = snapshot_of(models_dir)
    if version is None:
        return _described(name, catalogue.metadata(name))
    return _described(name, catalogue.served(name, version).metadata)


def _described(name: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
    routes = {"predict_data": f"/models/{name}/predict_data", "predict": f"/models/{name}/predict"}
    return {**metadata, "routes": routes}


STORE_COMMAND = (
    "serverless-ml models publish NAME --to MODELS_URI; serverless-ml models promote NAME VERSION --to MODELS_URI"
)
"""What makes a model servable from a store: a published version at the alias."""


def _unavailable(name: str, error: ModelUnavailableError, catalogue: Catalogue) -> dict[str, str]:
    if not isinstance(catalogue, BundledCatalogue):  # a store's reason says which version and why
        return {"name": name, "reason": str(error), "command": STORE_COMMAND.replace("NAME", name)}
    reason = f"{error}; build it with `{BUILD_COMMAND}` (or `python -m core.prediction.training {name}`)"
    return {"name": name, "reason": reason, "command": BUILD_COMMAND}


def unavailable_models(models_dir: ModelsAt = MODELS_DIR) -> list[dict[str, str]]:
    """Every registered model that cannot be served, each with why and the command that builds it."""
    missing = []
    catalogue = snapshot_of(models_dir)
    for name in catalogue.specs():
        try:
            catalogue.metadata(name)
        except ModelUnavailableError as exc:
            missing.append(_unavailable(name, exc, catalogue))
    return missing


def list_models(models_dir: ModelsAt = MODELS_DIR) -> dict[str, Any]:
    """Every servable model's description; ``unavailable`` (only when there is one) names the others."""
    models, missing = [], []
    catalogue = snapshot_of(models_dir)
    for name in catalogue.specs():
        try:
            models.append(_described(name, catalogue.metadata(name)))
        except ModelUnavailableError as exc:
            missing.append(_unavailable(name, exc, catalogue))
    return {"models": models, "unavailable": missing} if missing else {"models": models}


@dataclass(frozen=True)
class ArrayAnswer:
    """A matrix's answers as arrays, for callers that format whole blocks (scoring) with no Python object per row.

    ``raw`` is what the model computes: the values of a regression, else the probabilities (one column per
    class for a multiclass model); a classifier's label for row ``i`` is ``labels[chosen[i]]``.
    """

    raw: Vector
    labels: tuple[Any, ...] | None = None
    chosen: npt.NDArray[np.intp] | None = None

    def listed(self) -> tuple[list[Any], list[Any] | None]:
        """The answers and probabilities as the JSON contracts give them (plain Python values)."""
        if self.labels is None or self.chosen is None:
            return self.raw.tolist(), None
        return self.answers(), self.raw.tolist()

    def answers(self) -> list[Any]:
        """The answers alone (a classifier's labels, a regression's values), for a caller that needs no more."""
        if self.labels is None or self.chosen is None:
            return list(self.raw.tolist())
        # One take from the labels, not a Python lookup per row: a warehouse batch has 50,000 of them.
        return list(np.array(self.labels, dtype=object)[self.chosen].tolist())


def answer_arrays(model: ServedModel, x: Matrix) -> ArrayAnswer:
    """The answers for ``x`` as arrays; ``InvalidInputError`` names a row too large for a finite answer."""
    with np.errstate(over="ignore", invalid="ignore"):  # huge but finite inputs: refused below, by row
        raw = model.form.evaluate(x)
    _check_finite(model, x, raw)
    raw = np.asarray(raw, dtype=np.float64)
    if not model.spec.is_classifier:
        return ArrayAnswer(raw)
    classes = model.spec.classes
    if classes:
        chosen = raw.argmax(axis=1) if raw.ndim == 2 else (raw > 0.5).astype(np.intp)
        return ArrayAnswer(raw, tuple(classes), chosen)
    return ArrayAnswer(raw, tuple(model.spec.labels), (raw >= model.spec.threshold).astype(np.intp))


def _answers(model: ServedModel, x: Matrix) -> tuple[list[Any], list[Any] | None]:
    return answer_arrays(model, x).listed()


def _check_finite(model: ServedModel, x: Matrix, raw: Vector) -> None:
    """Refuse a row whose values, finite each, are too large for the model to give a finite answer."""
    bad = np.asarray(~np.isfinite(raw))
    if bad.ndim == 2:
        bad = np.asarray(bad.any(axis=1))
    if bad.any():
        i = int(np.argmax(bad))
        feature = model.spec.features[int(np.argmax(np.nan_to_num(np.abs(x[i]))))].name
        raise InvalidInputError(
            f"row {i}: the values are too large for model {model.spec.name!r} to give a finite answer "
            f"(largest: {feature!r})",
            field=feature,
        )


def predict_query(
    name: str, params: Mapping[str, Sequence[str]], models_dir: ModelsAt = MODELS_DIR, version: str | None = None
) -> dict[str, Any]:
    """Plumber's contract: ``{"Answer": [...], "probability": [...]}``, one answer per repeated value."""
    model = served_model(name, models_dir, version)
    return _result(name, model, matrix_from_query(model.spec, params), "Answer", "probability")


def predict_matrix(
    name: str, x: Matrix, models_dir: ModelsAt = MODELS_DIR, version: str | None = None
) -> dict[str, Any]:
    """Answer an already checked matrix (rows in the model's feature order), in row order."""
    return _result(name, served_model(name, models_dir, version), x, "predictions", "probabilities")


def _result(name: str, model: ServedModel, x: Matrix, answers_key: str, probabilities_key: str) -> dict[str, Any]:
    """One answer shape for both contracts; only the plumber route names its keys differently."""
    answers, probabilities = _answers(model, x)
    result: dict[str, Any] = {answers_key: answers}
    if probabilities is not None:
        result[probabilities_key] = probabilities
    if model.spec.classes:
        result["classes"] = list(model.spec.classes)
    result.update(model=name, version=model.version)
    return result


def predict_batch(
    name: str,
    body: bytes,
    content_type: str | None,
    max_rows: int = DEFAULT_MAX_ROWS,
    models_dir: ModelsAt = MODELS_DIR,
    version: str | None = None,
) -> dict[str, Any]:
    """A JSON (rows or columns) or CSV body in, one prediction per row out, in request order."""
    model = served_model(name, models_dir, version)
    x = parse_batch(model.spec, body, content_type, max_rows)
    return _result(name, model, x, "predictions", "probabilities")
