"""The served forms read back what they write, and a link or kind this version does not know is refused."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.prediction.forms import LinearForm, form_from_json

X = np.array([[1.0, 2.0], [-3.0, 0.5], [4.0, -4.0]])


@pytest.mark.parametrize(("link", "kind"), [("identity", "linear"), ("logit", "logistic")])
def test_a_linear_form_round_trips_through_its_json_name(link: str, kind: str) -> None:
    form = LinearForm(0.25, np.array([0.5, -1.5]), link)  # type: ignore[arg-type]
    data = json.loads(json.dumps(form.to_json()))
    assert data["kind"] == kind and "link" not in data  # the artifacts' names stay as they were
    back = form_from_json(data)
    assert back.kind == kind
    np.testing.assert_array_equal(back.evaluate(X), form.evaluate(X))


def test_the_logit_link_gives_the_probability_of_the_identity_links_score() -> None:
    coef = np.array([0.5, -1.5])
    score = LinearForm(0.25, coef).evaluate(X)
    probability = LinearForm(0.25, coef, "logit").evaluate(X)
    np.testing.assert_allclose(probability, 1 / (1 + np.exp(-score)), rtol=1e-15)
    assert np.all((probability > 0) & (probability < 1))


def test_an_unknown_kind_or_link_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown model form"):
        form_from_json({"kind": "probit", "intercept": 0, "coef": [1]})
    tree = {"kind": "tree_ensemble", "link": "probit", "baseline": 0, "depth": 1}
    with pytest.raises(ValueError, match="unknown link"):
        form_from_json({**tree, "feature": [[0]], "threshold": [[0.5]], "leaf": [[1, 2]]})
