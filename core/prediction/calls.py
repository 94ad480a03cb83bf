"""Answers a warehouse's batch of calls: each call one row of input values in the model's feature order.

BigQuery remote functions, Snowflake external functions and Redshift Lambda UDFs all send the same thing
under different envelopes: a list of calls, each the SQL function's arguments. This use case answers
them once, for every adapter: one reply per call, in order, or an ``InvalidInputError`` naming the call
(``what`` and its index) and the field, in the words the HTTP routes use for the same value (the checks
of ``core.prediction.features``). A warehouse sends SQL NULL as JSON ``null`` and large integers as JSON
strings, so a string holding a plain decimal number is read as that number (for a category feature, a
string is the category), and ``null`` is a missing value where the model handles one, refused elsewhere.

The answer is a pure function of the calls and the model's version, so a repeated request (every
warehouse retries) gets the same replies.

A warehouse sends tens of thousands of calls a request, so ``answer_json_calls`` reads the calls' JSON
itself: a large plain batch by numpy with no Python object per value (``core.prediction.number_rows``),
any other by msgspec as fixed-length tuples of numbers (which checks arity and types in C) read flat by
numpy; anything that decoder refuses is read again by the precise path, to name the call and the field.
``answer_plain_calls`` is that fast path alone, answering in arrays, for an adapter that writes its reply in
bulk; calls already decoded (Redshift's event) are checked in C by orjson's text of them.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import msgspec
import numpy as np
import numpy.typing as npt
import orjson

from core.errors import InvalidInputError, LimitExceededError, MalformedBodyError
from core.paths import MODELS_DIR
from core.prediction import service
from core.prediction.catalogue import ModelsAt, snapshot_of
from core.prediction.features import Matrix, check_matrix, feature_value, parse_number
from core.prediction.number_rows import number_rows
from core.prediction.service import ArrayAnswer
from core.prediction.spec import Feature, ModelSpec

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
    models_dir: ModelsAt = MODELS_DIR,
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
    models_dir = snapshot_of(models_dir)  # one version for every call
    spec = _checked(name, output, len(calls), what, container, max_rows, models_dir)
    if not calls:
        return []
    try:
        x = _fast_matrix(spec, calls)
        if x is None:
            x = _precise_matrix(spec, calls, what, container)
    except InvalidInputError as exc:
        raise _renamed(exc, what) from None
    return _replies(name, x, output, what, models_dir)


def answer_json_calls(
    name: str,
    raw: bytes,
    output: Output = "label",
    *,
    keyed: bool = False,
    what: str = "call",
    container: str = "calls",
    max_rows: int = service.DEFAULT_MAX_ROWS,
    models_dir: ModelsAt = MODELS_DIR,
) -> tuple[list[int], list[Any]]:
    """``answer_calls`` for the calls' JSON array as sent (``raw``): the fast path for large batches.

    With ``keyed``, each call starts with an integer key (Snowflake's row number) that is not an input
    value; the keys come back first, in order (empty without ``keyed``). Raises as ``answer_calls`` does,
    and ``MalformedBodyError`` when ``raw`` is not JSON.
    """
    with _collector_paused():
        models_dir = snapshot_of(models_dir)  # one version for every call
        plain = answer_plain_calls(
            name, raw, output, keyed=keyed, what=what, container=container, max_rows=max_rows, models_dir=models_dir
        )
        if plain is not None:
            return plain.keys.tolist(), plain.replies()
        return _answer_decoded(name, _loads(raw, container), output, keyed, what, container, max_rows, models_dir)


@dataclass(frozen=True)
class PlainAnswer:
    """A batch of plain calls answered as arrays, for a writer that formats the whole batch at once (Snowflake's
    reply body) with no Python object per call; ``keys`` is empty for unkeyed calls, ``answer`` None for none."""

    keys: npt.NDArray[np.int64]
    answer: ArrayAnswer | None
    output: Output

    def replies(self) -> list[Any]:
        """One reply per call, as ``answer_calls`` gives them."""
        if self.answer is None:
            return []
        return self.answer.answers() if self.output == "label" else list(self.answer.raw.tolist())


def answer_plain_calls(
    name: str,
    raw: bytes,
    output: Output = "label",
    *,
    keyed: bool = False,
    what: str = "call",
    container: str = "calls",
    max_rows: int = service.DEFAULT_MAX_ROWS,
    models_dir: ModelsAt = MODELS_DIR,
) -> PlainAnswer | None:
    """``answer_json_calls`` when ``raw`` is a JSON array of calls that are each exactly the model's numbers
    (after the key); ``None``, having done nothing, for anything else, even text that is not JSON.

    An adapter that can cut the calls out of its envelope cheaply offers them here first, and decodes the
    envelope only when this declines: the envelope's decoder would otherwise read every number once more.
    """
    with _collector_paused():
        models_dir = snapshot_of(models_dir)
        spec = service.served_model(name, models_dir).spec
        read = _numbers(spec, raw, keyed)
        if read is None:
            return None
        x, tuples = read
        _checked(name, output, len(x), what, container, max_rows, models_dir)
        if not len(x):
            return PlainAnswer(np.empty(0, dtype=np.int64), None, output)
        keys = _keys(x[:, 0], tuples) if keyed else np.empty(0, dtype=np.int64)
        answer = _answered(name, np.ascontiguousarray(x[:, 1:]) if keyed else x, what, models_dir)
        return PlainAnswer(keys, answer, output)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a batch's 50,000 tuples and replies are made (none of them can
    form a cycle): otherwise it scans them again and again as they are allocated, about a fifth of the time.
    Whoever found it on turns it back on, so threads answering at once never leave it off."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


KEY_LIMIT = 2**63
"""A key (Snowflake's row number, a SQL BIGINT) is a signed 64-bit integer: anything larger cannot be one."""


def _keys(column: Matrix, tuples: list[Any] | None) -> npt.NDArray[np.int64]:
    """The calls' integer keys: read from the matrix, unless one is too large for a float to hold it exactly."""
    if tuples is None or float(np.abs(column).max()) < 2**53:
        return column.astype(np.int64)
    keys = [t[0] for t in tuples]
    for i, key in enumerate(keys):
        _check_key(i, key)
    return np.array(keys, dtype=np.int64)


def _check_key(index: int, key: int) -> None:
    if not -KEY_LIMIT <= key < KEY_LIMIT:
        raise InvalidInputError(f"row {index}: its row number {key} is not a 64-bit integer", field="data")


BULK_BYTES = 16 * 1024
"""From this size on, a batch is first offered to the bulk reader (``number_rows``): below it, numpy's cost per
call outweighs what it saves."""


def _numbers(spec: ModelSpec, raw: bytes, keyed: bool) -> tuple[Matrix, list[Any] | None] | None:
    """The calls as a matrix (keys first) when every one is exactly its numbers; ``None`` sends them to the
    precise path, as it does for a model with a category feature (whose values are strings, never numbers).

    A large plain batch is read in bulk; any other, by msgspec as fixed-length tuples of numbers, which come
    back too, for keys too large for a double (the bulk reader reads none so large)."""
    if _has_categories(spec):
        return None
    width = len(spec.features) + keyed
    if len(raw) >= BULK_BYTES:
        x = number_rows(raw, width)
        if x is not None and (not keyed or bool((x[:, 0] == np.trunc(x[:, 0])).all())):
            return x, None
    try:
        tuples: list[Any] = _decoder(len(spec.features), keyed).decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError):
        return None
    x = np.fromiter(itertools.chain.from_iterable(tuples), dtype=np.float64, count=len(tuples) * width)
    return x.reshape(len(tuples), width), tuples


@functools.cache
def _decoder(width: int, keyed: bool) -> msgspec.json.Decoder[Any]:
    """Calls of exactly ``width`` numbers (after an integer key): msgspec refuses anything else, in C."""
    row: Any = tuple.__class_getitem__(((int,) if keyed else ()) + (float,) * width)
    return msgspec.json.Decoder(list[row])


def _loads(raw: bytes, container: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedBodyError(f"{container!r} is not valid JSON: {exc}", field=container) from None


def _answer_decoded(
    name: str,
    calls: Any,
    output: Output,
    keyed: bool,
    what: str,
    container: str,
    max_rows: int,
    models_dir: ModelsAt,
) -> tuple[list[int], list[Any]]:
    """The precise path of ``answer_json_calls``, on the calls as the standard JSON reader gives them."""
    if not isinstance(calls, list):
        raise InvalidInputError(f"{container!r} must be an array of {what}s", field=container)
    keys: list[int] = []
    if keyed:
        for i, call in enumerate(calls):
            first = call[0] if isinstance(call, list) and call else None
            if type(first) is float and first.is_integer() and abs(first) < 2**53:
                first = int(first)  # 7.0 is the number 7 in JSON
            if type(first) is not int:
                raise InvalidInputError(
                    f"{what} {i}: must be an array starting with its {what} number", field=container
                )
            _check_key(i, first)
            keys.append(first)
        calls = [call[1:] for call in calls]
    replies = answer_calls(
        name, calls, output, what=what, container=container, max_rows=max_rows, models_dir=models_dir
    )
    return keys, replies


def _checked(
    name: str, output: Output, count: int, what: str, container: str, max_rows: int, models_dir: ModelsAt
) -> ModelSpec:
    """The model's spec, once the output suits it and the batch is within ``max_rows``."""
    model = service.served_model(name, models_dir)
    if output == "probability" and not model.spec.is_classifier:
        raise InvalidInputError(
            f"model {name!r} is a regression: it has no probability; ask for its value (output 'label')",
            field="output",
        )
    if count > max_rows:
        raise LimitExceededError(f"the batch has {count} {what}s; at most {max_rows} are accepted", field=container)
    return model.spec


def _replies(name: str, x: Matrix, output: Output, what: str, models_dir: ModelsAt) -> list[Any]:
    """The model's answers for the matrix, once every value is checked, as the output asks."""
    return PlainAnswer(np.empty(0, dtype=np.int64), _answered(name, x, what, models_dir), output).replies()


def _answered(name: str, x: Matrix, what: str, models_dir: ModelsAt) -> ArrayAnswer:
    try:
        model = service.served_model(name, models_dir)
        return service.answer_arrays(model, check_matrix(model.spec, x))
    except InvalidInputError as exc:
        raise _renamed(exc, what) from None


_NUMBERS_TEXT = b"0123456789-+.eE,[]"
"""The bytes orjson writes for arrays of numbers: its text of anything else (a string, ``true``, ``null``, an
object, NaN as ``null``) holds some other byte."""


def _fast_matrix(spec: ModelSpec, calls: Sequence[Any]) -> Matrix | None:
    """The matrix when every call is an array of exactly the model's number of JSON numbers; ``None`` otherwise.

    numpy alone would turn ``"3"`` into 3.0, ``true`` into 1.0 and ``null`` into NaN, so the calls are first
    written out by orjson (in C, a few milliseconds for 50,000 calls): when its text holds nothing but numbers
    and brackets, every value is a number or an array, and numpy then refuses any array where a number belongs.
    Anything else takes the precise path.
    """
    if _has_categories(spec):
        return None
    try:
        if orjson.dumps(calls).translate(None, _NUMBERS_TEXT):
            return None
    except (TypeError, orjson.JSONEncodeError):  # an integer beyond 64 bits, a value JSON has no word for
        return None
    width = len(spec.features)
    try:
        if set(map(len, calls)) != {width}:
            return None
        values = np.fromiter(itertools.chain.from_iterable(calls), dtype=np.float64, count=len(calls) * width)
    except (TypeError, ValueError):  # a call that is a number, a value that is an array
        return None
    return values.reshape(len(calls), width)


def _precise_matrix(spec: ModelSpec, calls: Sequence[Any], what: str, container: str) -> Matrix:
    """Call by call and value by value, to name the first one that is wrong."""
    width = len(spec.features)
    x = np.empty((len(calls), width), dtype=np.float64)
    for i, call in enumerate(calls):
        if not isinstance(call, list | tuple) or len(call) != width:
            raise _arity_error(spec, call, i, what, container)
        for j, (feature, value) in enumerate(zip(spec.features, call, strict=True)):
            x[i, j] = _call_value(value, feature, i)
    return x


def _call_value(value: Any, feature: Feature, index: int) -> float:
    """A number, a number as a string (BigQuery's INT64), a category's string, or null where a value may be missing."""
    if isinstance(value, str) and feature.kind != "category":
        return parse_number(value, feature.name, index)
    return feature_value(value, feature, index)


def _has_categories(spec: ModelSpec) -> bool:
    return any(feature.kind == "category" for feature in spec.features)


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
