"""The Bing opinion lexicon (tidytext's ``get_sentiments("bing")``) and each text's count of its words.

``data/bing_lexicon.csv`` holds 6,786 entries for 6,783 words: ``envious``, ``enviously`` and
``enviousness`` are listed once as positive and once as negative, and R's ``inner_join`` counts each
occurrence on both sides, so the table here keeps how many positive and negative entries a word has.
"""

from __future__ import annotations

import csv
import functools
import threading
from pathlib import Path

from core.analysis.tweets.tokens import words
from core.paths import DATA_DIR

BING_PATH = DATA_DIR / "bing_lexicon.csv"

SCORE_CACHE_SIZE = 65_536
"""Texts whose counts are remembered: a warm request over the same tweets skips tokenizing them."""


_loading = threading.Lock()


def bing_lexicon(path: Path = BING_PATH) -> dict[str, tuple[int, int]]:
    """Each word and its number of (positive, negative) entries; read once per process, by one thread."""
    with _loading:
        return _read(path)


@functools.cache
def _read(path: Path) -> dict[str, tuple[int, int]]:
    table: dict[str, tuple[int, int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)  # not DictReader: a dict per row was half of this first-request cost
        header = next(rows, [])
        if header[:2] != ["word", "sentiment"]:
            raise ValueError(f"{path.name}: expected the columns word,sentiment, got {header!r}")
        for word, sentiment, *_ in rows:
            positive, negative = table.get(word, (0, 0))
            if sentiment == "positive":
                positive += 1
            elif sentiment == "negative":
                negative += 1
            else:
                raise ValueError(f"{path.name}: unknown sentiment {sentiment!r} for {word!r}")
            table[word] = (positive, negative)
    return table


@functools.lru_cache(maxsize=SCORE_CACHE_SIZE)
def bing_counts(text: str) -> tuple[int, int]:
    """How many of the text's words are positive and negative in the Bing lexicon (R's inner join, counted)."""
    lexicon = bing_lexicon()
    positive = negative = 0
    for word in words(text):
        hit = lexicon.get(word)
        if hit is not None:
            positive += hit[0]
            negative += hit[1]
    return positive, negative
