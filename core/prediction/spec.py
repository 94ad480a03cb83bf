"""The declaration a model module makes: its features, its data, how it is trained and what it answers.

A model is one module in ``core/prediction/models/`` that defines ``SPEC = ModelSpec(...)``. The registry finds
it; the HTTP routes, the OpenAPI schema, the Lambda direct invocation and the emulator all read the
spec, so adding a model edits nothing else. Importing a spec must stay cheap: ``train`` imports
scikit-learn inside itself, never at module level.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from core.prediction.forms import Form

FeatureKind = Literal["number", "integer", "binary", "category"]
Task = Literal["classification", "regression"]


@dataclass(frozen=True)
class Feature:
    """One input column. ``kind`` is checked on every request: an ``integer`` must be whole, a ``binary`` 0 or 1,
    a ``category`` a string (served as its index in ``categories``)."""

    name: str
    kind: FeatureKind = "number"
    description: str = ""
    categories: tuple[str | float, ...] = ()
    """The values the model knows: a category's strings, or the numbers an encoder knows of a numeric feature."""
    missing: bool = False
    """Whether a missing value (JSON ``null``, an empty CSV field) is accepted: the model handles it."""
    unknown: bool = True
    """Whether a value outside ``categories`` is accepted (the encoder ignores it); only read when there are
    ``categories``."""


@dataclass(frozen=True)
class Dataset:
    """A CSV shipped in ``data/`` and the rows of it a model trains on (``rows=None``: all)."""

    file: str
    rows: int | None = None


@dataclass
class Fitted:
    """What ``ModelSpec.train`` returns: the fitted estimator (for checks), its served form and metrics."""

    estimator: Any
    form: Form
    metrics: Mapping[str, float] = field(default_factory=dict)
    reference: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]] | None = None
    """The estimator's own answer (probability of the positive class, or the regression value) for a matrix,
    which the served form must reproduce to 1e-9."""


@dataclass(frozen=True)
class ModelSpec:
    """Everything the service needs to know about one model, declared in one place."""

    name: str
    version: str
    description: str
    task: Task
    features: tuple[Feature, ...]
    target: str
    dataset: Dataset
    train: Callable[[npt.NDArray[np.float64], npt.NDArray[np.float64]], Fitted]
    labels: tuple[str, str] = ("no", "yes")
    """For classifiers: the answer for the negative and the positive class."""
    positive: str = ""
    """For classifiers: the value of ``target`` in the data that means the positive class."""
    threshold: float = 0.5
    """For classifiers: the positive answer is given when the probability is at least this."""
    formula: str = ""
    classes: tuple[Any, ...] = ()
    """For imported classifiers: the labels in their original type, in the order of the probabilities. A
    binary one answers ``classes[1]`` when its probability is above 0.5, as scikit-learn's ``predict``."""

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    @property
    def is_classifier(self) -> bool:
        return self.task == "classification"
