"""The words are tidytext's: the same tokens as R's ``unnest_tokens(word, text)``, tweet for tweet."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json

import pytest
from hypothesis import given, settings, strategies as st

from core.analysis.tweets.lexicon import bing_counts, bing_lexicon
from core.analysis.tweets.tokens import exact_words, words
from core.paths import DATA_DIR
from tests.conftest import REFERENCE

# Each text and the words R 4.2.2 / tidytext 0.4.1 / ICU 72.1 gave for it (tests/reference/README.md).
R_CASES = [
    ("fight 'epidemic' of", ["fight", "epidemic", "of"]),
    ("#failing@nytimes and @realDonaldTrump said", ["failing@nytimes", "and", "@realdonaldtrump", "said"]),
    ("re:@ApprenticeNBC Highlights:@nbc U:S.", ["re", "@apprenticenbc", "highlights", "@nbc", "u", "s"]),
    ("can't don’t rock’n’roll dogs' 'tis", ["can't", "don’t", "rock’n’roll", "dogs", "tis"]),
    (
        "https://t.co/oDLZ2NdrtA &amp; http://www.example.com/a-b_c?d=1",
        ["https", "t.co", "odlz2ndrta", "amp", "http", "www.example.com", "a", "b_c", "d", "1"],
    ),
    (
        "1,000.50 3.5 4:00 P.M. U.S.A. D.C. $100 50% #1 @ 2nd",
        ["1,000.50", "3.5", "4", "00", "p.m", "u.s.a", "d.c", "100", "50", "1", "@", "2nd"],
    ),
    ("well-known hyphen—dash – x_y __ _ a_ _b", ["well", "known", "hyphen", "dash", "x_y", "__", "a_", "_b"]),
    ("Café naïve ÉCOLE ß Peña", ["café", "naïve", "école", "ß", "peña"]),
    ("emoji 👍🏽 great🇺🇸 ❤️love ✔️done ➡️https://t.co/x", ["emoji", "great", "love", "done", "https", "t.co", "x"]),
    ("email me@x.com a.b.c a...b a..b", ["email", "me@x.com", "a.b.c", "a", "b", "a", "b"]),
    ("'quoted' \"double\" ‘single’ “curly” o'neil", ["quoted", "double", "single", "curly", "o'neil"]),
    ("1.5x 2x3 x2 ab12cd 12ab word's words' x'", ["1.5x", "2x3", "x2", "ab12cd", "12ab", "word's", "words", "x"]),
    ("…ellipsis… —dash— #MAGA🇺🇸#Debate", ["ellipsis", "dash", "maga", "debate"]),
]


@pytest.mark.parametrize(("text", "expected"), R_CASES, ids=[t[:24] for t, _ in R_CASES])
def test_words_are_the_ones_r_gives(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_every_tweet_of_the_corpus_gives_rs_tokens() -> None:
    """Digests of R's tokens for all 20,761 bundled tweets, per block of 1000, in file order."""
    reference = json.loads((REFERENCE / "tidytext_token_digests.json").read_text())
    with gzip.open(DATA_DIR / "trump_tweets.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == reference["tweets"]
    tokens = 0
    size = reference["block"]
    for index, expected in enumerate(reference["blocks"]):
        digest = hashlib.sha256()
        for row in rows[index * size : (index + 1) * size]:
            found = words(row["text"])
            tokens += len(found)
            digest.update((row["id_str"] + "\t" + "\x1f".join(found) + "\n").encode())
        assert digest.hexdigest() == expected, f"tweets {index * size} to {(index + 1) * size - 1} differ from R"
    assert tokens == reference["tokens"]


TRICKY = "aZé0_.'’‘,;:@ \n-#“…\u0301\u200d\ufe0f\u00b7\u30a2\u65e5\u3042👍🇺\u05d0"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=40))
def test_the_fast_path_agrees_with_the_exact_rules(text: str) -> None:
    assert words(text) == exact_words(text.lower())


def test_the_bing_lexicon_counts_a_word_listed_on_both_sides_on_both_sides() -> None:
    lexicon = bing_lexicon()
    assert len(lexicon) == 6783
    assert sum(p + n for p, n in lexicon.values()) == 6786
    assert bing_counts("So envious of the great, great win") == (4, 1)  # envious: +1 and -1; great x2, win
    assert bing_counts("Sad! Terrible &amp; @failing") == (0, 2)


def test_lexicon_file_is_the_attributed_copy() -> None:
    digest = hashlib.sha256((DATA_DIR / "bing_lexicon.csv").read_bytes()).hexdigest()
    assert digest == "3f55104a3d74750dd0d6b7edb75c518eb24edcf007032ce102585881ab484c7a"
    assert "bing_lexicon.csv" in (DATA_DIR / "README.md").read_text()
