"""What the import supports, by public class path: one table of estimators, one of preprocessing steps.

Adding a family is adding its converters to a table (the tree families come from ``trees``); anything not
listed is refused by name, with the list of what is supported.
"""

from __future__ import annotations

from core.prediction.importing.linear import LINEAR_CONVERTERS
from core.prediction.importing.preprocessing import TRANSFORMERS
from core.prediction.importing.table_types import Converter
from core.prediction.importing.trees import TREE_CONVERTERS

CONVERTERS: dict[str, Converter] = {**LINEAR_CONVERTERS, **TREE_CONVERTERS}
"""Final estimators by public class path (``sklearn.linear_model.LogisticRegression``)."""

CONTAINERS = ("sklearn.pipeline.Pipeline", "sklearn.compose.ColumnTransformer")
"""Walked rather than converted: their steps must each be supported."""


def supported() -> list[str]:
    """Every supported class path, containers first, then steps, then estimators."""
    return [*CONTAINERS, *TRANSFORMERS, *CONVERTERS]
