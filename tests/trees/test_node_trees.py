"""The node-array form refuses arrays it could not walk safely, and answers the same alone or in a batch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor

from core.prediction.importing.trees import TREE_CONVERTERS
from core.prediction.node_trees import NodeTreesForm
from tests.trees.conftest import make_data


def _stump(**changes: Any) -> dict[str, Any]:
    """A one-split tree as inline JSON: x0 > 0.5 → 2.0, else 1.0."""
    data: dict[str, Any] = {
        "kind": "tree_nodes",
        "n_features": 1,
        "scale": 1.0,
        "output": "identity",
        "compare": "float64",
        "feature": [0, 0, 0],
        "threshold": [0.5, float("inf"), float("inf")],
        "child": [1, 1, 2],
        "value": [[0.0], [1.0], [2.0]],
        "roots": [0],
        "baseline": [0.0],
    }
    return {**data, **changes}


def test_a_stump_walks_both_ways_and_missing_goes_where_its_node_says() -> None:
    x = np.array([[0.0], [1.0], [np.nan]])
    np.testing.assert_array_equal(NodeTreesForm.from_json(_stump()).evaluate(x), [1.0, 2.0, 2.0])
    left_for_missing = NodeTreesForm.from_json(_stump(feature=[1, 0, 0], n_features=1))
    np.testing.assert_array_equal(left_for_missing.evaluate(x), [1.0, 2.0, 1.0])


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"child": [1, 0, 2]}, "children must come after"),
        ({"child": [2, 1, 2]}, "children must come after"),
        ({"feature": [3, 0, 0]}, "feature the model does not have"),
        ({"roots": [5]}, "root is not a node"),
        ({"value": [[0.0], [1.0]]}, "differ in length"),
    ],
)
def test_arrays_that_would_read_out_of_bounds_are_refused(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        NodeTreesForm.from_json(_stump(**changes))


def test_a_row_gets_the_same_answer_alone_as_in_a_batch() -> None:
    x, y = make_data("regression", rows=3000)
    forest = RandomForestRegressor(n_estimators=5, random_state=0).fit(x[:1000], y[:1000])
    form = TREE_CONVERTERS["sklearn.ensemble.RandomForestRegressor"](forest)
    batch = form.evaluate(x[1000:])
    alone = np.array([form.evaluate(x[i : i + 1])[0] for i in range(1000, 1100)])
    np.testing.assert_array_equal(alone, batch[:100])


def test_shallow_trees_find_the_same_leaves_as_the_node_walk_on_edge_values() -> None:
    """Boosted trees take the bitvector route; it must agree with the walk on ties, NaN, infinities and -0.0."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    x, y = make_data("regression", rows=2000, missing=0.15)
    model = HistGradientBoostingRegressor(max_iter=20, random_state=0).fit(x, y)
    form = TREE_CONVERTERS["sklearn.ensemble.HistGradientBoostingRegressor"](model)
    walked = NodeTreesForm.from_json(form.to_json(), form.to_arrays())
    walked.__dict__["_bitvector"] = None  # the cached route, forced to the walk
    assert form._bitvector is not None
    rows, _ = make_data("regression", rows=600, missing=0.2, seed=1)
    rows[:50], rows[50:100], rows[100:150] = np.inf, -np.inf, -0.0
    splits = form.threshold[np.isfinite(form.threshold)]
    rows[150 : 150 + min(450, splits.shape[0]), 0] = splits[:450]  # exactly on a threshold
    np.testing.assert_array_equal(form.evaluate(rows), walked.evaluate(rows))
    np.testing.assert_allclose(form.evaluate(rows), model.predict(rows), rtol=0, atol=1e-9)


def test_nodes_shared_between_branches_are_walked_not_tabled() -> None:
    """A graph whose nodes two parents share (children still after parents) is no tree: the walk serves it."""
    nodes = 60
    data = _stump(
        feature=[0] * nodes,
        threshold=[0.5] * (nodes - 2) + [float("inf")] * 2,
        child=[min(i + 1, nodes - 2) for i in range(nodes - 2)] + [nodes - 2, nodes - 1],
        value=[[0.0]] * (nodes - 2) + [[1.0], [2.0]],
    )
    form = NodeTreesForm.from_json(data)
    assert form._bitvector is None
    np.testing.assert_array_equal(form.evaluate(np.array([[0.0], [1.0]])), [1.0, 1.0])  # both end on node 58
