"""``HistGradientBoostingClassifier``/``Regressor`` as node-array forms, with missing values and categories.

The fitted estimator keeps its trees as numpy tables (``_predictors[i][k].nodes``), with the thresholds
in the inputs' own float64 values, so no scikit-learn import is needed. A categorical split reads the
category **code** (0, 1, 2, ... as the estimator was fitted on them: the pipeline must feed the codes its
``OrdinalEncoder`` gives, NaN for a missing value): codes in the node's left set go left, other known
codes right, and unknown, negative or missing ones follow the node's missing direction, as scikit-learn
does (``_predictor.pyx``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from core.prediction.importing.tree_table import TreeTable, assemble
from core.prediction.node_trees import NodeTreesForm, Output

_IDENTITY_LOSSES = {"squared_error", "absolute_error", "quantile"}
"""Regression losses whose prediction is the raw score itself."""


def hist_gradient_boosting_classifier(estimator: Any) -> NodeTreesForm:
    """Binary: the probability of ``classes_[1]`` (logistic); multiclass: the softmax of one tree per class."""
    classes = len(estimator.classes_)
    output: Output = "logit" if classes == 2 else "softmax"
    return _form(estimator, output)


def hist_gradient_boosting_regressor(estimator: Any) -> NodeTreesForm:
    loss = getattr(estimator, "loss", "squared_error")
    if loss not in _IDENTITY_LOSSES:
        raise ValueError(
            f"HistGradientBoostingRegressor with loss={loss!r} is not supported: "
            f"supported losses are {sorted(_IDENTITY_LOSSES)}"
        )
    return _form(estimator, "identity")


def _form(estimator: Any, output: Output) -> NodeTreesForm:
    known, feature_to_known = estimator._bin_mapper.make_known_categories_bitsets()
    encoding = _Encoding.of(estimator)
    per_iteration = estimator._predictors
    columns = len(per_iteration[0])
    tables = [
        encoding.table(predictor, known, feature_to_known) for iteration in per_iteration for predictor in iteration
    ]
    return assemble(
        tables,
        int(estimator.n_features_in_),
        np.ravel(estimator._baseline_prediction),
        output=output,
        compare="float64",
        tree_column=np.tile(np.arange(columns), len(per_iteration)) if columns > 1 else None,
    )


class _Encoding:
    """The estimator's own category encoding (scikit-learn >= 1.4 puts an ``OrdinalEncoder`` in front of the
    trees whenever a feature is categorical, and moves the categorical columns first), folded into the form:
    each tree feature maps back to the input column, and a categorical split's bitset is rewritten over the
    input's values rather than the encoder's codes (a value the encoder does not know follows the missing
    direction, as the encoder turns it into NaN). So the served form reads the input as the estimator does.
    """

    def __init__(self, column_of: npt.NDArray[np.intp], categories: dict[int, npt.NDArray[np.float64]]) -> None:
        self.column_of = column_of
        self.categories = categories

    @classmethod
    def of(cls, estimator: Any) -> _Encoding:
        features = int(estimator.n_features_in_)
        preprocessor = getattr(estimator, "_preprocessor", None)
        if preprocessor is None:
            return cls(np.arange(features, dtype=np.intp), {})
        masks = {name: np.asarray(mask, dtype=bool) for name, _, mask in preprocessor.transformers_}
        order = np.concatenate([np.flatnonzero(masks["encoder"]), np.flatnonzero(masks["numerical"])])
        encoded = preprocessor.named_transformers_["encoder"].categories_
        categories = {}
        for position, values in enumerate(encoded):
            values = np.asarray(values, dtype=np.float64)  # NaN, when there, is last: encoded as NaN
            values = values[~np.isnan(values)]
            if values.size and (np.any(values < 0) or np.any(values != np.floor(values)) or values.max() >= 2**16):
                raise ValueError(
                    f"{type(estimator).__name__}: the categories of column {int(order[position])} must be whole "
                    "numbers from 0 to 65535 (encode them with an OrdinalEncoder first)"
                )
            categories[position] = values
        return cls(order.astype(np.intp), categories)

    def table(self, predictor: Any, known: npt.NDArray[np.uint32], feature_to_known: Any) -> TreeTable:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        missing_left = nodes["missing_go_to_left"].astype(bool)
        categorical = nodes["is_categorical"].astype(bool) & ~leaf
        bitsets = None
        if categorical.any():
            words = 1 + max((int(v.max()) // 32 for v in self.categories.values() if v.size), default=known.shape[1])
            bitsets = np.zeros((nodes.shape[0], max(words, known.shape[1])), dtype=np.uint32)
            for node in np.flatnonzero(categorical):
                feature = int(nodes["feature_idx"][node])
                left_set = predictor.raw_left_cat_bitsets[nodes["bitset_idx"][node]]
                known_set = known[feature_to_known[feature]]
                code_bits = left_set | (~known_set if missing_left[node] else np.zeros_like(known_set))
                bitsets[node] = self._over_values(feature, code_bits, bool(missing_left[node]), bitsets.shape[1])
        return TreeTable(
            left=np.where(leaf, -1, nodes["left"].astype(np.intp)),
            right=np.where(leaf, -1, nodes["right"].astype(np.intp)),
            feature=self.column_of[nodes["feature_idx"].astype(np.intp)],
            threshold=nodes["num_threshold"].astype(np.float64),
            missing_left=missing_left,
            value=nodes["value"].astype(np.float64)[:, None],
            cat_bitset=bitsets,
            is_categorical=categorical if bitsets is not None else None,
        )

    def _over_values(self, feature: int, code_bits: npt.NDArray[np.uint32], missing_left: bool, words: int) -> Any:
        """The node's left set over input values: codes as they are without an encoder, else via its categories."""
        out = np.zeros(words, dtype=np.uint32)
        if feature not in self.categories:
            out[: code_bits.shape[0]] = code_bits
            return out
        values = np.arange(words * 32)
        goes_left = np.full(values.shape[0], missing_left)  # values the encoder does not know
        categories = self.categories[feature].astype(np.intp)
        codes = np.arange(categories.shape[0])
        goes_left[categories] = ((code_bits[codes >> 5] >> (codes & 31).astype(np.uint32)) & 1).astype(bool)
        return np.packbits(goes_left.reshape(-1, 32)[:, ::-1], axis=1).view(">u4").ravel().astype(np.uint32)
