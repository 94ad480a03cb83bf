"""Answers a warehouse's batch of calls: each call one row of input values in the model's feature order.

BigQuery remote functions, Snowflake external functions and Redshift Lambda UDFs all send the same thing
under different envelopes: a list of calls, each the SQL function's arguments. This use case answers
them once, for every adapter: one reply per call, in order, or an ``InvalidInputError`` naming the call
(``what`` and its index) and the field, in the words the HTTP routes use for the same value (the checks
of ``core.prediction.features``). A warehouse sends SQL NULL as JSON ``null`` and large integers as JSON
strings, so a string holding a plain decimal number is read as that number, and ``null`` is refused.

The answer is a pure function of the calls and the model's version, so a repeated request (every
warehouse retries) gets the same replies.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from core.errors import InvalidInputError, LimitExceededError
from core.paths import MODELS_DIR
from core.prediction import service
from core.prediction.features import Matrix, check_matrix, json_value, parse_number
from core.prediction.spec import ModelSpec

Output = Literal["label", "probability"]
"""What each reply is: the label (a regression's value), or the probability (binary: of the positive class;
multiclass: one per class, in the model's ``classes`` order)."""

OUTPUTS: tuple[Output, ...] = ("label", "probability")

_ROW_PREFIX = re.compile(r"^row (\d+): ")
"""How the shared checks name a row; replaced by the caller's word for it (``call 3:`` for BigQuery)."""


def parse_output(value: Any, field: str = "output") -> Output:
    """The output a request asks for (``None``: the label); anything else is refused, naming ``field``."""
    if value is None or value == "label":
        return "label"
    if value == "probability":
        return "probability"
    shown = repr(value[:40]) if isinstance(value, str) else type(value).__name__
    raise InvalidInputError(f"{field} must be 'label' or 'probability', got {shown}", field=field)


def answer_calls(
    name: str,
    calls: Sequence[Any],
    output: Output = "label",
    *,
    what: str = "call",
    container: str = "calls",
    max_rows: int = service.DEFAULT_MAX_ROWS,
    models_dir: Path = MODELS_DIR,
) -> list[Any]:
    """One reply per call, in order.

    Parameters
    ----------
    name : the model; ``UnknownModelError`` when there is none by that name.
    calls : each call a sequence of the model's input values, in its declared feature order.
    output : ``"label"`` or ``"probability"`` (refused, naming ``output``, for a regression).
    what : the warehouse's word for one call (``call``, ``row``), used in every refusal.
    container : the request's field that holds the calls (``calls``, ``data``, ``arguments``), named by a
        refusal of a call that is not an array or has too many values (too few names the first missing feature).

    Raises
    ------
    InvalidInputError
        ``"<what> <i>: ..."`` naming the call's index and the field (``field``), for a call that is not an
        array, has the wrong number of values, or holds a value the model refuses.
    LimitExceededError
        More than ``max_rows`` calls.
    """
    model = service.served_model(name, models_dir)
    if output == "probability" and not model.spec.is_classifier:
        raise InvalidInputError(
            f"model {name!r} is a regression: it has no probability; ask for its value (output 'label')",
            field="output",
        )
    if len(calls) > max_rows:
        raise LimitExceededError(
            f"the batch has {len(calls)} {what}s; at most {max_rows} are accepted", field=container
        )
    if not calls:
        return []
    try:
        x = _fast_matrix(model.spec, calls)
        if x is None:
            x = _precise_matrix(model.spec, calls, what, container)
        result = service.predict_matrix(name, check_matrix(model.spec, x), models_dir)
    except InvalidInputError as exc:
        raise _renamed(exc, what) from None
    return list(result["predictions"] if output == "label" else result["probabilities"])


def _fast_matrix(spec: ModelSpec, calls: Sequence[Any]) -> Matrix | None:
    """The matrix when every call is an array of exactly the model's number of JSON numbers; ``None`` otherwise.

    numpy alone would turn ``"3"`` into 3.0, ``true`` into 1.0 and ``null`` into NaN, so the values' types are
    checked too (a few milliseconds for 50,000 calls); anything else takes the precise path.
    """
    try:
        x = np.array(calls, dtype=np.float64)
    except (ValueError, TypeError):
        return None
    if x.shape != (len(calls), len(spec.features)):
        return None
    if not set(map(type, itertools.chain.from_iterable(calls))) <= {int, float}:
        return None
    return x


def _precise_matrix(spec: ModelSpec, calls: Sequence[Any], what: str, container: str) -> Matrix:
    """Call by call and value by value, to name the first one that is wrong."""
    width = len(spec.features)
    x = np.empty((len(calls), width), dtype=np.float64)
    for i, call in enumerate(calls):
        if not isinstance(call, list | tuple) or len(call) != width:
            raise _arity_error(spec, call, i, what, container)
        for j, (feature, value) in enumerate(zip(spec.feature_names, call, strict=True)):
            x[i, j] = parse_number(value, feature, i) if isinstance(value, str) else json_value(value, feature, i)
    return x


def _arity_error(spec: ModelSpec, call: Any, index: int, what: str, container: str) -> InvalidInputError:
    width = len(spec.features)
    order = ", ".join(spec.feature_names)
    if not isinstance(call, list | tuple):
        got = "null" if call is None else type(call).__name__.replace("str", "string").replace("dict", "object")
        return InvalidInputError(
            f"{what} {index}: must be an array of {width} values ({order}), got {got}", field=container
        )
    message = f"{what} {index}: has {len(call)} values; model {spec.name!r} takes {width}, in this order: {order}"
    return InvalidInputError(message, field=spec.feature_names[len(call)] if len(call) < width else container)


def _renamed(exc: InvalidInputError, what: str) -> InvalidInputError:
    """The shared checks' error with its ``row i:`` written as the warehouse's ``<what> i:``."""
    if what == "row":
        return exc
    renamed = type(exc)(_ROW_PREFIX.sub(lambda m: f"{what} {m.group(1)}: ", exc.message), field=exc.field)
    return renamed
