"""The bundled and ``file:`` tweet sources, and choosing a source with ``TWEETS_SOURCE``."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import gzip
import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.analysis.tweets.sources import BUNDLED_PATH, bundled_source, file_source, source_from_setting
from core.analysis.tweets.sources.csv_file import (
    BUNDLED_LAYOUT,
    FILE_LAYOUT,
    CsvTweetSource,
    TweetFileError,
    load_index,
)
from core.analysis.tweets.types import Tweet
from core.errors import EmptyInputError, InvalidInputError, SourceUnavailableError, UnknownAccountError
from core.paths import PROJECT_ROOT
from tests.conftest import REFERENCE

UTC = dt.UTC


def daily_counts(tweets: list[Tweet]) -> dict[str, int]:
    return dict(sorted(collections.Counter(t.created_at.date().isoformat() for t in tweets).items()))


def r_daily_counts(name: str) -> dict[str, int]:
    with (REFERENCE / name).open(newline="") as f:
        return {row["day"]: int(row["tweets"]) for row in csv.DictReader(f)}


# --- the bundled corpus ------------------------------------------------------------------------------------------


def test_the_bundled_file_is_the_documented_one() -> None:
    digest = hashlib.sha256(BUNDLED_PATH.read_bytes()).hexdigest()
    assert digest == "5d96493b2647b0c3c83f2cbc69febd445cb2e02ee792269fc159b8121aeb345a"
    assert digest in (PROJECT_ROOT / "data" / "README.md").read_text()


def test_the_bundled_corpus_holds_every_row_with_string_ids() -> None:
    assert load_index(BUNDLED_PATH, BUNDLED_LAYOUT).rows == 20_761
    tweets = bundled_source().fetch(["realDonaldTrump"], 100_000)["realDonaldTrump"]
    assert len(tweets) == 20_761
    assert all(isinstance(t.id, str) and t.id.isdigit() for t in tweets)
    assert len({t.id for t in tweets}) == 20_761
    assert tweets[0].created_at == dt.datetime(2009, 5, 4, 18, 54, 25, tzinfo=UTC)
    assert tweets[-1].created_at == dt.datetime(2018, 1, 1, 13, 37, 52, tzinfo=UTC)
    assert all(t.created_at.tzinfo is UTC and t.screen_name == "realDonaldTrump" for t in tweets)


def test_texts_come_back_byte_for_byte_with_bare_carriage_returns() -> None:
    tweets = {t.id: t for t in bundled_source().fetch(["realDonaldTrump"], 100_000)["realDonaldTrump"]}
    assert tweets["98482327390396416"].text == (
        "http://bit.ly/pwgGsQ \r\rhttp://bit.ly/pwgGsQ \r\r\r  My  interview yesterday on CNBC's Squawk Box:  "
        "Debt Deal a… (cont) http://deck.ly/~HZMKL"
    )
    assert sum(t.text.count("\r") for t in tweets.values()) == 7
    assert sum("\n" in t.text for t in tweets.values()) == 1_372


@pytest.mark.parametrize("n", [400, 3200])
def test_the_last_n_are_the_tweets_r_picks(n: int) -> None:
    tweets = bundled_source().fetch(["realDonaldTrump"], n)["realDonaldTrump"]
    assert len(tweets) == n
    assert [t.created_at for t in tweets] == sorted(t.created_at for t in tweets)
    assert tweets[-1].id == "947824196909961216"
    assert daily_counts(tweets) == r_daily_counts(f"trump_last{n}_frequency_daily.csv")


def test_handles_match_whatever_their_case_and_keep_the_requested_key() -> None:
    result = bundled_source().fetch(["REALDONALDTRUMP", "realdonaldtrump"], 5)
    assert list(result) == ["REALDONALDTRUMP", "realdonaldtrump"]
    assert result["REALDONALDTRUMP"] == result["realdonaldtrump"]
    assert {t.screen_name for t in result["REALDONALDTRUMP"]} == {"realDonaldTrump"}


def test_an_unknown_account_is_named() -> None:
    with pytest.raises(UnknownAccountError, match="'nobody_here'") as caught:
        bundled_source().fetch(["realDonaldTrump", "nobody_here", "other"], 10)
    assert caught.value.field == "users"


@pytest.mark.parametrize(("n", "error", "field"), [(0, InvalidInputError, "n"), (-3, InvalidInputError, "n")])
def test_n_below_one_is_refused(n: int, error: type[Exception], field: str) -> None:
    with pytest.raises(error) as caught:
        bundled_source().fetch(["realDonaldTrump"], n)
    assert caught.value.field == field  # type: ignore[attr-defined]


def test_no_account_is_refused() -> None:
    with pytest.raises(EmptyInputError) as caught:
        bundled_source().fetch([], 10)
    assert caught.value.field == "users"


def test_a_warm_fetch_of_3200_is_a_slice() -> None:
    source = bundled_source()
    source.fetch(["realDonaldTrump"], 3200)
    started = time.perf_counter()
    for _ in range(20):
        tweets = source.fetch(["realDonaldTrump"], 3200)["realDonaldTrump"]
    assert (time.perf_counter() - started) / 20 < 0.010
    assert len(tweets) == 3200


# --- file:PATH ---------------------------------------------------------------------------------------------------

TWO_ACCOUNTS = (
    "text,created_at,screen_name,id\n"
    '"first, of alice",2020-01-01T10:00:00Z,alice,11\n'
    '"bob says\r\nhello",2020-01-01T09:00:00+02:00,bob,\n'
    '"later alice",2020-01-02 08:30:00,Alice,13\n'
    '"same second, higher id",2020-01-02T08:30:00.000Z,ALICE,100\n'
    '"bob again",2020-01-03T00:00:00-05:00,bob,22\n'
)


def write(path: Path, text: str) -> Path:
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_bytes(text.encode())
    return path


@pytest.mark.parametrize("name", ["tweets.csv", "tweets.csv.gz"])
def test_a_file_with_two_accounts(tmp_path: Path, name: str) -> None:
    source = source_from_setting(f"file:{write(tmp_path / name, TWO_ACCOUNTS)}")
    assert source.name == "file"

    result = source.fetch(["bob", "alice"], 2)

    assert list(result) == ["bob", "alice"]
    assert result["bob"] == [
        Tweet("bob", dt.datetime(2020, 1, 1, 7, tzinfo=UTC), "bob says\r\nhello", None),
        Tweet("bob", dt.datetime(2020, 1, 3, 5, tzinfo=UTC), "bob again", "22"),
    ]
    alice = result["alice"]
    assert [t.id for t in alice] == ["13", "100"]  # same second: ordered by id as a number
    assert {t.screen_name for t in alice} == {"alice"}  # the file's first spelling of the account
    assert alice[0].created_at == dt.datetime(2020, 1, 2, 8, 30, tzinfo=UTC)  # no offset: UTC
    assert source.fetch(["ALICE"], 10)["ALICE"][0].text == "first, of alice"


def test_the_id_column_is_optional(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", 'screen_name,created_at,text\ncarol,2021-06-01T00:00:00Z,"hi"\n')
    assert file_source(path).fetch(["carol"], 1)["carol"][0].id is None


@pytest.mark.parametrize("missing", ["screen_name", "created_at", "text"])
def test_a_missing_column_is_named_at_startup(tmp_path: Path, missing: str) -> None:
    columns = [c for c in ("screen_name", "created_at", "text") if c != missing]
    path = write(tmp_path / "t.csv.gz", ",".join(columns) + "\n" + ",".join("x" for _ in columns) + "\n")
    with pytest.raises(ValueError, match=rf"TWEETS_SOURCE=.*no column '{missing}'"):
        source_from_setting(f"file:{path}")


def test_a_missing_file_stops_startup(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="TWEETS_SOURCE=.*no tweet file"):
        source_from_setting(f"file:{tmp_path / 'absent.csv'}")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("dave,yesterday,hi", "data row 1: created_at 'yesterday'"),
        ("dave,2020-01-01T00:00:00Z", "data row 1: 2 fields"),
    ],
)
def test_a_malformed_row_is_named_when_the_file_is_read(
    tmp_path: Path, row: str, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / f"bad{len(row)}.csv", f"screen_name,created_at,text\n{row}\n")
    with pytest.raises(TweetFileError, match=message):
        load_index(path, FILE_LAYOUT)
    with pytest.raises(SourceUnavailableError) as raised:  # what a request gets: a 503 that keeps the path private
        file_source(path).fetch(["dave"], 1)
    assert raised.value.message == "the file tweets cannot be read on this deployment"
    assert message in caplog.text and str(path) in caplog.text  # the operator's log names the file and the row


def test_a_deployment_without_the_bundled_corpus_starts_and_answers_unavailable(tmp_path: Path) -> None:
    """The Lambda function that serves predictions is packaged without data/: it must start, and say why."""
    source = CsvTweetSource(tmp_path / "absent.csv.gz", BUNDLED_LAYOUT, name="bundled")
    with pytest.raises(SourceUnavailableError, match="the bundled tweets cannot be read"):
        source.fetch(["realDonaldTrump"], 10)


def test_a_windows_file_with_a_byte_order_mark_reads_the_same(tmp_path: Path) -> None:
    unix = file_source(write(tmp_path / "unix.csv", TWO_ACCOUNTS)).fetch(["alice", "bob"], 10)
    windows_text = "\ufeff" + TWO_ACCOUNTS.replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    windows = file_source(write(tmp_path / "windows.csv", windows_text)).fetch(["alice", "bob"], 10)
    assert windows == unix


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("screen_name,created_at,text\ned,2020-01-01T00:00:00Z,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(TweetFileError, match="line 2: not UTF-8"):
        load_index(path, FILE_LAYOUT)


# --- TWEETS_SOURCE ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "  ", "bundled", "Bundled"])
def test_bundled_is_the_default(value: str | None) -> None:
    assert source_from_setting(value).name == "bundled"


@pytest.mark.parametrize("value", ["twitter", "file:", "files:/tmp/x.csv", "x:token"])
def test_an_unknown_setting_names_the_variable(value: str) -> None:
    with pytest.raises(ValueError, match="TWEETS_SOURCE must be 'bundled', 'file:PATH' or 'x'"):
        source_from_setting(value)


def test_x_without_credentials_names_the_variables_to_set() -> None:
    with pytest.raises(ValueError, match="X_BEARER_TOKEN, or all four of API_KEY, API_SECRET_KEY"):
        source_from_setting("x", environ={})


def test_x_with_part_of_oauth_names_what_is_missing_and_no_value() -> None:
    environ = {"API_KEY": "planted-key-value", "ACCESS_TOKEN": "planted-token-value"}
    with pytest.raises(ValueError, match="API_SECRET_KEY, ACCESS_SECRET not set") as caught:
        source_from_setting("x", environ=environ)
    assert "planted" not in str(caught.value)


@pytest.mark.parametrize("budget", ["0", "-1", "soon", "nan", "inf"])
def test_x_with_a_bad_budget_names_the_variable(budget: str) -> None:
    with pytest.raises(ValueError, match="X_FETCH_DEADLINE_SECONDS"):
        source_from_setting("x", environ={"X_BEARER_TOKEN": "t0ken", "X_FETCH_DEADLINE_SECONDS": budget})


def test_x_reads_its_budget() -> None:
    source = source_from_setting("x", environ={"X_BEARER_TOKEN": "t0ken", "X_FETCH_DEADLINE_SECONDS": "2.5"})
    assert source.name == "x"
    assert source.budget_seconds == 2.5  # type: ignore[attr-defined]


def test_choosing_a_source_imports_no_http_client_or_tweepy() -> None:
    code = (
        "import sys\n"
        "from core.analysis.tweets.sources import source_from_setting\n"
        "source_from_setting(None)\n"
        "assert not {'requests', 'tweepy', 'pandas'} & set(sys.modules), sys.modules.keys()\n"
        "source_from_setting('x', environ={'X_BEARER_TOKEN': 't0ken'})\n"
        "assert 'tweepy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True, timeout=60)
