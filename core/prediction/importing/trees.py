"""Converters of the tree families (scikit-learn trees, forests and boosting, XGBoost, LightGBM).

A stub: part B of issue 12 fills ``TREE_CONVERTERS`` (estimator class path -> converter); ``table`` merges it
into ``CONVERTERS``, so a tree family is supported the moment its converter is listed here.
"""

from __future__ import annotations

from core.prediction.importing.table_types import Converter

TREE_CONVERTERS: dict[str, Converter] = {}
