"""A warehouse's batch of number-only calls read in bulk: JSON ``[[n, ...], ...]`` to a matrix, with no Python
object per value.

A 50,000-row Snowflake batch holds 200,000 numbers. Decoding them into Python objects and copying those into
an array was most of the server's time for the batch, and grew with the heap's fragmentation. When the text
is exactly the plain shape the warehouses write (no whitespace, every call of the same width, every value a
plain JSON number of at most 15 digits), numpy finds the values by the brackets and commas and reads them all
at once, exactly as a JSON decoder reads them. Anything else (whitespace, an exponent, a string, ``null``, a
wrong arity, text that is not JSON) returns ``None``, and the caller's JSON decoder reads the batch: to refuse
what is wrong, naming it, or to read what is merely unusual. Whatever this reader accepts is valid JSON.

Numbers of up to 8 characters (``-12.5``, ``193.876``: most of a warehouse's values) are read eight bytes at a
time as one 64-bit word, SWAR-style (the digit-parsing trick of simdjson and fast_float): the grammar checks,
the point's removal and the digits' value are a few whole-array operations on the words. Longer ones go
through ``core.decimals``, one array operation per digit place.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from core.decimals import POWERS, Spans, decimals
from core.prediction.features import Matrix
from core.prediction.forms import Vector

_PLAIN = b"0123456789-.,[]"
"""The bytes a plain batch holds; any other (space, ``e``, quote, letter) sends it to the JSON decoder."""

_OPEN, _CLOSE, _COMMA = b"[],"

_WORD = 8
"""A value of up to this many characters is read as one little-endian 64-bit word."""

_U = np.uint64


def _every_byte(byte: int) -> np.uint64:
    return _U(byte * 0x0101010101010101)


_LOW4, _LOW7, _HIGH, _ALL = _every_byte(0x0F), _every_byte(0x7F), _every_byte(0x80), _U(0xFFFFFFFFFFFFFFFF)
_PAIRS, _TIMES_1E6_100, _TIMES_1E4_1 = _U(0x000000FF000000FF), _U(0x000F424000000064), _U(0x0000271000000001)


def number_rows(raw: bytes, width: int) -> Matrix | None:
    """``raw`` as a (calls, ``width``) matrix when it is a plain JSON array of arrays of ``width`` numbers each;
    ``None`` otherwise (``raw`` is then for a JSON decoder to read)."""
    if width < 1 or len(raw) < 2 or raw[0] != _OPEN or raw[-1] != _CLOSE or raw.translate(None, _PLAIN):
        return None
    if raw == b"[]":
        return np.empty((0, width), dtype=np.float64)
    text = np.frombuffer(raw, dtype=np.uint8)
    at = np.flatnonzero((text == _COMMA) | (text == _OPEN) | (text == _CLOSE))
    calls, extra = divmod(len(at) - 1, width + 2)
    if calls < 1 or extra or not np.array_equal(text[at], _layout(width, calls)):
        return None
    marks = at[1:].reshape(calls, width + 2)  # each call's "[", its commas, its "]", then the "," (or "]") after it
    starts, ends = (marks[:, :width] + 1).ravel(), marks[:, 1 : width + 1].ravel()
    values = _json_numbers(raw, starts, ends)
    return None if values is None else values.reshape(calls, width)


def _layout(width: int, calls: int) -> npt.NDArray[np.uint8]:
    """The brackets and commas of ``calls`` calls of ``width`` values, in order: ``[[,,,],[,,,],...,[,,,]]``."""
    layout = np.concatenate(([_OPEN], np.tile(_call_marks(width), calls)))
    layout[-1] = _CLOSE
    return layout


@functools.cache
def _call_marks(width: int) -> npt.NDArray[np.uint8]:
    return np.frombuffer(b"[" + b"," * (width - 1) + b"],", dtype=np.uint8)


def _json_numbers(raw: bytes, starts: Spans, ends: Spans) -> Vector | None:
    """Each span as a JSON number, when each is JSON's ``-?(0|[1-9][0-9]*)(.[0-9]+)?`` within 15 digits."""
    lengths = ends - starts
    if not len(lengths) or int(lengths.min()) < 1:
        return None
    short = lengths <= _WORD
    if short.all():
        return _short_numbers(raw, starts, ends)
    values = np.empty(len(lengths), dtype=np.float64)
    read = (_short_numbers(raw, starts[short], ends[short]), _long_numbers(raw, starts[~short], ends[~short]))
    if read[0] is None or read[1] is None:
        return None
    values[short], values[~short] = read
    return values


def _short_numbers(raw: bytes, starts: Spans, ends: Spans) -> Vector | None:
    """Spans of 1 to 8 characters, each read as the 64-bit word that ends with it (its last byte the highest)."""
    if not len(starts):
        return np.empty(0, dtype=np.float64)
    padded = bytes(_WORD) + raw
    words = np.ndarray((len(raw) + 1,), dtype="<u8", buffer=padded, strides=(1,))[ends]
    unders = _U(64) - (ends - starts).astype(_U) * _U(8)  # the bits below each number: the text before it
    values = np.empty(len(words), dtype=np.float64)
    for at in range(0, len(words), _CHUNK):
        if not _read_words(words[at : at + _CHUNK], unders[at : at + _CHUNK], values[at : at + _CHUNK]):
            return None
    return values


_CHUNK = 16 * 1024
"""Numbers read at once: 128 KB per array of words, so that the dozens of array operations stay in the cache."""


def _read_words(words: npt.NDArray[np.uint64], under: npt.NDArray[np.uint64], values: Vector) -> bool:
    """``values`` from the words (each number's last byte the highest, ``under`` bits of other text below it);
    False when one of them is not a JSON number."""
    inside = (_ALL >> under) << under
    tops = inside & _HIGH  # bit 7 of each byte flags a class of bytes; here, the number's
    digit = (words + _every_byte(0x50)) & tops  # >= 0x30 (no carry: ASCII); in a number, all else is "-" or "."
    minus = (tops ^ digit) & (words << _U(7))  # "-" is 0x2D, "." 0x2E: bit 0 tells them apart
    point = tops ^ digit ^ minus
    first = tops & ~(tops << _U(8))
    lead = (first & digit) | (minus << _U(8))  # the first digit
    zero = ~((words & _LOW4) + _LOW7)  # bit 7 set where the low nibble is 0: "0", in a digit
    bad = (point & (point - _U(1))) | (minus & ~first)  # a second point, a "-" inside
    bad |= ((point >> _U(8)) | (point << _U(8)) | (minus << _U(8))) & ~digit  # digits around a point, after a "-"
    bad |= ((lead & zero) << _U(8)) & digit  # a leading zero followed by a digit
    if bad.any() or not (digit >> _U(63)).all():  # and the last character a digit
        return False
    mark = point >> _U(7)
    before = mark - (mark != 0)  # the bytes before the point (none without one)
    digits = (words & _LOW4) & ((digit >> _U(7)) * _U(0xFF))
    digits = (digits & ~before) | ((digits & before) << _U(8))  # the point taken out: a digit string, right-aligned
    pairs = digits * _U(10) + (digits >> _U(8))
    mantissa = (((pairs & _PAIRS) * _TIMES_1E6_100) + (((pairs >> _U(16)) & _PAIRS) * _TIMES_1E4_1)) >> _U(32)
    places = (np.uint8(7) - (np.bitwise_count(before) >> np.uint8(3))) * (mark != 0)  # digits after the point
    np.divide(mantissa, POWERS[places], out=values)  # two exact doubles, one correctly rounded division
    np.negative(values, out=values, where=(minus != 0) & ((mark != 0) | (mantissa != 0)))  # "-0" is the integer 0
    return True


def _long_numbers(raw: bytes, starts: Spans, ends: Spans) -> Vector | None:
    """Longer spans: ``core.decimals`` reads ``float``'s grammar, so JSON's stricter one is checked first."""
    text = np.frombuffer(raw, dtype=np.uint8)
    lead = starts + (text[starts] == 45)  # the first digit
    if (lead >= ends).any():
        return None
    after = np.minimum(lead + 1, ends - 1)
    if not _digits(text[lead]).all() or not _digits(text[ends - 1]).all():
        return None  # ".5", "-.5", "5."
    if ((text[lead] == 48) & (lead + 1 < ends) & (text[after] != 46)).any():
        return None  # "007"
    return decimals(raw, starts, ends)


def _digits(values: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    return (values - np.uint8(48)) < 10
