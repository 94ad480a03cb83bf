"""Properties of the input parsers and the tokenizer, over inputs hypothesis makes up.

* Any matrix a model accepts (finite values within ``LARGEST``), written as JSON rows, JSON columns or
  CSV (any column order, any line ending), parses back to exactly the same numbers.
* Any body at all, and any query, gives a matrix or a ``CoreError`` (a 4xx), never another exception,
  which the service would answer with a 500.
* The tokenizer never fails, gives lower-case pieces of the text in order, and splits on spaces.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from core.analysis.tweets.tokens import words
from core.errors import CoreError, InvalidInputError
from core.prediction.batch import parse_batch
from core.prediction.features import LARGEST, matrix_from_query, parse_number
from core.prediction.registry import model_specs
from core.prediction.spec import Feature, ModelSpec

SPECS = list(model_specs().values())
MAX_ROWS = 50
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _value(feature: Feature) -> st.SearchStrategy[float]:
    if feature.kind == "binary":
        return st.sampled_from([0.0, 1.0])
    if feature.kind == "integer":
        return st.integers(-int(LARGEST), int(LARGEST)).map(float)
    return st.floats(-LARGEST, LARGEST, width=64)


@st.composite
def accepted_matrix(draw: st.DrawFn) -> tuple[ModelSpec, np.ndarray]:
    spec = draw(st.sampled_from(SPECS))
    rows = draw(st.integers(1, 8))
    columns = [draw(st.lists(_value(f), min_size=rows, max_size=rows)) for f in spec.features]
    return spec, np.array(columns, dtype=np.float64).T.reshape(rows, len(spec.features))


def _number(value: float, feature: Feature) -> float | int:
    return int(value) if feature.kind != "number" else value


def as_rows(spec: ModelSpec, x: np.ndarray, order: list[int]) -> bytes:
    rows = [{spec.features[j].name: _number(row[j], spec.features[j]) for j in order} for row in x]
    return json.dumps({"rows": rows}).encode()


def as_columns(spec: ModelSpec, x: np.ndarray, order: list[int]) -> bytes:
    columns = {spec.features[j].name: [_number(v, spec.features[j]) for v in x[:, j]] for j in order}
    return json.dumps({"columns": columns}).encode()


def as_csv(spec: ModelSpec, x: np.ndarray, order: list[int], newline: str = "\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow([spec.features[j].name for j in order])
    writer.writerows([repr(_number(float(row[j]), spec.features[j])) for j in order] for row in x)
    return out.getvalue().encode()


@PROPERTY
@given(accepted_matrix(), st.randoms(use_true_random=False), st.sampled_from(["\n", "\r\n"]))
def test_any_accepted_matrix_round_trips_through_every_body_format(
    case: tuple[ModelSpec, np.ndarray], random: Any, newline: str
) -> None:
    spec, x = case
    order = list(range(len(spec.features)))
    random.shuffle(order)
    bodies = {
        "application/json": [as_rows(spec, x, order), as_columns(spec, x, order)],
        "text/csv": [as_csv(spec, x, order, newline)],
    }
    for content_type, payloads in bodies.items():
        for body in payloads:
            parsed = parse_batch(spec, body, content_type, MAX_ROWS)
            assert parsed.shape == x.shape
            assert np.array_equal(parsed, x), (content_type, body[:200])


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    )


def _near_valid(spec: ModelSpec) -> st.SearchStrategy[Any]:
    """Bodies with the right shape and wrong details: names, types, lengths, extra keys."""
    names = st.sampled_from([*spec.feature_names, "extra", ""])
    row = st.dictionaries(names, _json_values(), max_size=len(spec.features) + 1)
    column = st.dictionaries(
        names, st.lists(_json_values(), max_size=3) | _json_values(), max_size=len(spec.features) + 1
    )
    return (
        st.fixed_dictionaries({"rows": st.lists(row, max_size=3)})
        | st.fixed_dictionaries({"columns": column})
        | _json_values()
    )


def _refused_cleanly(spec: ModelSpec, body: bytes, content_type: str | None) -> None:
    try:
        x = parse_batch(spec, body, content_type, MAX_ROWS)
    except CoreError:
        return
    assert x.ndim == 2 and x.shape[1] == len(spec.features) and np.isfinite(x).all()


@PROPERTY
@given(
    st.sampled_from(SPECS),
    st.binary(max_size=200),
    st.sampled_from(["application/json", "text/csv", "text/plain", None]),
)
def test_any_bytes_give_a_matrix_or_a_core_error(spec: ModelSpec, body: bytes, content_type: str | None) -> None:
    _refused_cleanly(spec, body, content_type)


CSV_CHARACTERS = '",\r\n\x00 \t0123456789.eE+-nafi#\ufeff\u00a0'
"""What breaks CSV readers: quotes, bare CRs, NULs, comment and byte-order marks, things like numbers."""


@PROPERTY
@given(st.sampled_from(SPECS), st.booleans(), st.text(alphabet=CSV_CHARACTERS, max_size=80))
def test_any_csv_text_gives_a_matrix_or_a_core_error(spec: ModelSpec, with_header: bool, text: str) -> None:
    header = ",".join(spec.feature_names) + "\n" if with_header else ""
    _refused_cleanly(spec, (header + text).encode(), "text/csv")


@settings(PROPERTY, max_examples=60)  # nested documents are slow to draw
@given(st.data())
def test_any_json_document_gives_a_matrix_or_a_core_error(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from(SPECS))
    document = data.draw(_near_valid(spec))
    _refused_cleanly(spec, json.dumps(document).encode(), "application/json")


@PROPERTY
@given(accepted_matrix(), st.data())
def test_a_damaged_valid_body_gives_a_matrix_or_a_core_error(
    case: tuple[ModelSpec, np.ndarray], data: st.DataObject
) -> None:
    spec, x = case
    order = list(range(len(spec.features)))
    content_type, body = data.draw(
        st.sampled_from(
            [
                ("application/json", as_rows(spec, x, order)),
                ("application/json", as_columns(spec, x, order)),
                ("text/csv", as_csv(spec, x, order)),
            ]
        )
    )
    cut = data.draw(st.integers(0, len(body)))
    junk = data.draw(st.binary(max_size=4))
    _refused_cleanly(spec, body[:cut] + junk + body[cut + data.draw(st.integers(0, 3)) :], content_type)


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_refused_cleanly(depth: int) -> None:
    for body in (b"[" * depth, b'{"rows": ' + b"[" * depth):
        _refused_cleanly(SPECS[0], body, "application/json")


@PROPERTY
@given(st.data())
def test_any_query_gives_a_matrix_or_a_core_error(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from(SPECS))
    keys = st.sampled_from([*spec.feature_names, "x"]) | st.text(max_size=5)
    params = data.draw(st.dictionaries(keys, st.lists(st.text(max_size=12), min_size=1, max_size=3), max_size=12))
    try:
        x = matrix_from_query(spec, params)
    except CoreError:
        return
    assert x.shape[1] == len(spec.features) and np.isfinite(x).all()


@PROPERTY
@given(st.floats(-LARGEST, LARGEST))
def test_a_finite_number_as_text_parses_back_exactly(value: float) -> None:
    for text in (repr(value), f"{value:.17g}", f"  {value!r} "):
        assert parse_number(text, "f") == value


@PROPERTY
@given(
    st.floats(LARGEST, exclude_min=True, allow_infinity=False)
    | st.floats(max_value=-LARGEST, exclude_max=True, allow_infinity=False)
)
def test_a_number_past_the_largest_is_refused_naming_its_field(value: float) -> None:
    with pytest.raises(InvalidInputError, match="out of range") as refused:
        parse_number(repr(value), "f")
    assert refused.value.field == "f"


@PROPERTY
@given(st.text())
def test_any_text_is_a_number_or_a_core_error(text: str) -> None:
    try:
        value = parse_number(text, "f")
    except CoreError as exc:
        value, field = None, exc.field
    assert field == "f" if value is None else np.isfinite(value)


@PROPERTY
@given(st.text())
def test_tokens_are_lower_case_pieces_of_the_text_in_order(text: str) -> None:
    lower, position = text.lower(), 0
    for word in words(text):
        assert word and not any(c.isspace() for c in word)
        found = lower.find(word, position)
        assert found >= 0, (word, lower)
        position = found + len(word)
    assert words(text) == words(lower)


@PROPERTY
@given(st.lists(st.text(), max_size=4))
def test_a_space_always_separates_words(parts: list[str]) -> None:
    assert words(" ".join(parts)) == [w for part in parts for w in words(part)]
