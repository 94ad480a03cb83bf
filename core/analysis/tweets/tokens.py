"""Words of a text as tidytext's ``unnest_tokens(word, text)`` makes them, so counts match the R service's.

tidytext calls ``tokenizers::tokenize_words``, which lower-cases the text and splits it with ICU's word
break iterator (``stringi::stri_split_boundaries(type = "word", skip_word_none = TRUE)``): the segments
between Unicode default word boundaries (UAX #29) are kept when they hold letters or digits, and spaces,
punctuation, symbols and emoji are dropped. Apostrophes and dots stay inside words (``can't``, ``u.s``,
``t.co``), ``&amp;`` gives ``amp``, ``#maga`` gives ``maga``. Two ICU customisations matter for tweets:
ICU 72 (the R service's, Debian 12) treats ``@`` as a letter, so ``@realDonaldTrump`` is one word and
``#failing@nytimes`` gives ``failing@nytimes``; and ICU takes the colon out of UAX #29's MidLetter, so
``re:@nbc`` is two words.

The rules are written out as a regular expression over the ``Word_Break`` property (``regex`` package)
rather than taken from ``regex``'s own ``(?w)\\b``, which misplaces the boundary after an opening quote
(``'epidemic'`` gives ``'epidemic``). Property classes are slow to match, so each character is first
replaced by an ASCII character of the same class (curly apostrophe by ``.``, ``é`` by ``a``, emoji by
``#``) and the words are found with plain ``re`` (several times faster); text holding a character ASCII
has no class for (combining marks, joiners, kana) takes the exact path. A property test checks the two
paths agree, and another checks the result against R's tokens for every tweet of the
bundled corpus. Known difference: ICU splits Chinese and Japanese with a dictionary; here a run of
ideographs or kana is one word.
"""

from __future__ import annotations

import re

import regex

_X = r"[\p{WB=Extend}\p{WB=Format}\p{WB=ZWJ}]*"
"""WB4: marks, format characters and joiners stay with the character before them."""
_LETTER = r"[\p{WB=ALetter}\p{WB=Hebrew_Letter}@]"
_DIGIT = r"\p{WB=Numeric}"
_CONNECTOR = r"\p{WB=ExtendNumLet}"
_MID_LETTER = r"[[\p{WB=MidLetter}--[:\uFE55\uFF1A]]\p{WB=MidNumLet}\p{WB=Single_Quote}]"
_MID_NUMBER = r"[\p{WB=MidNum}\p{WB=MidNumLet}\p{WB=Single_Quote}]"
_ATOM = (
    rf"(?:{_LETTER}{_X}(?:{_MID_LETTER}{_X}(?={_LETTER}))?"  # WB5-7: letters, "can't", "u.s"
    rf"|{_DIGIT}{_X}(?:{_MID_NUMBER}{_X}(?={_DIGIT}))?"  # WB8-12: "1,000.50", "2nd"
    rf"|{_CONNECTOR}{_X})"  # WB13a-b: "x_y"
)
_WORD = regex.compile(
    rf"{_ATOM}+"
    rf"|(?:\p{{WB=Katakana}}{_X})+"  # WB13: katakana runs
    rf"|(?:[\p{{Ideographic}}\p{{Hiragana}}]{_X})+",
    flags=regex.V1,  # V1 for the set difference in _MID_LETTER
)
_LONE_CONNECTOR = regex.compile(rf"{_CONNECTOR}{_X}", flags=regex.V1)

_FAST_WORD = re.compile(r"[a-z0-9@_]+(?:(?<=[a-z@])[.'](?=[a-z@])[a-z0-9@_]+|(?<=[0-9])[.',;](?=[0-9])[a-z0-9@_]+)*")
"""The same rules for lower-case ASCII: letters a-z and @, digits, ``_``; ``.`` and ``'`` join letters or
digits, ``,`` and ``;`` join digits (ASCII has no Extend or Format character)."""


class _StandIns(dict[int, str]):
    """A ``str.translate`` table giving each character an ASCII character of the same word-break class.

    Filled lazily, one character at a time, and shared by every call (a lost race writes the same value).
    A character whose class ASCII lacks (marks, joiners, kana, ideographs, MidLetter) maps to itself, so
    the translated text is not ASCII and ``words`` takes the exact path.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        stand_in = char
        for pattern, ascii_char in _CLASSES:
            if pattern.match(char):
                stand_in = ascii_char or char
                break
        else:
            stand_in = "#"
        self[code] = stand_in
        return stand_in


_CLASSES = tuple(
    (regex.compile(pattern, flags=regex.V1), ascii_char)
    for pattern, ascii_char in (
        (r"[\p{WB=Extend}\p{WB=Format}\p{WB=ZWJ}\p{WB=Katakana}\p{Ideographic}\p{Hiragana}]", ""),
        (r"[\uFE55\uFF1A]", "#"),  # colons: ICU breaks words there
        (r"\p{WB=MidLetter}", ""),
        (_LETTER, "a"),
        (_DIGIT, "0"),
        (_CONNECTOR, "_"),
        (r"\p{WB=MidNumLet}", "."),
        (r"\p{WB=Single_Quote}", "'"),
        (r"\p{WB=MidNum}", ","),
    )
)
"""Checked in order; a character in none of them breaks words, like ``#``; an empty ASCII stand-in means none."""
_STAND_INS = _StandIns()


def words(text: str) -> list[str]:
    """The lower-cased words of ``text``, in order, as tidytext gives them.

    A lone connector (``_``) is not a word, as in ICU; two or more are (``__``).
    """
    lower = text.lower()
    if lower.isascii():
        return [w for w in _FAST_WORD.findall(lower) if w != "_"]
    stand_in = lower.translate(_STAND_INS)
    if stand_in.isascii():
        return [
            lower[m.start() : m.end()]
            for m in _FAST_WORD.finditer(stand_in)
            if m.end() - m.start() > 1 or m.group() != "_"
        ]
    return exact_words(lower)


def exact_words(lower: str) -> list[str]:
    """The words of an already lower-cased text, matched on the ``Word_Break`` property itself."""
    return [w for w in _WORD.findall(lower) if not _LONE_CONNECTOR.fullmatch(w)]
