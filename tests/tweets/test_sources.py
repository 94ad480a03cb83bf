"""The bundled and ``file:`` tweet sources, and choosing a source with ``TWEETS_SOURCE``."""

from __future__ import annotations

import collections
import csv
import dataclasses
import datetime as dt
import gzip
import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

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
from handlers.http_app import create_app
from handlers.settings import Settings
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
    with pytest.raises(ValueError, match=r"TWEETS_SOURCE=.*absent\.csv: no such file"):
        source_from_setting(f"file:{tmp_path / 'absent.csv'}")


# --- created_at: ISO-8601 and X's own format ----------------------------------------------------------------------

SAME_MOMENTS = [  # each row: one instant written the ways a tweet file may write it
    ("Wed Oct 10 20:19:24 +0000 2018", "2018-10-10T20:19:24Z", "2018-10-10 20:19:24", "2018-10-10T22:19:24+02:00"),
    ("Mon Jan 01 00:30:00 -0500 2024", "2024-01-01T05:30:00Z", "2024-01-01 05:30:00.000", "2024-01-01T05:30:00+00:00"),
    ("Thu Feb 29 23:59:59 +0130 2024", "2024-02-29T22:29:59Z", "2024-02-29T22:29:59.000Z", "2024-02-29T22:29:59"),
]


@pytest.mark.parametrize("ways", SAME_MOMENTS, ids=lambda ways: ways[1])
def test_x_format_and_iso_8601_give_the_same_instant(tmp_path: Path, ways: tuple[str, ...]) -> None:
    rows = "".join(f"ann,{written},tweet {i}\n" for i, written in enumerate(ways))
    source = file_source(write(tmp_path / "t.csv", "screen_name,created_at,text\n" + rows))
    tweets = source.fetch(["ann"], 10)["ann"]
    assert len(tweets) == len(ways)
    assert {t.created_at for t in tweets} == {dt.datetime.fromisoformat(ways[1])}
    assert all(t.created_at.tzinfo is UTC for t in tweets)


def test_a_file_written_as_the_v1_api_writes_it_counts_like_its_iso_twin(tmp_path: Path) -> None:
    """The same 400 tweets with X's ``created_at`` and with ISO times: the same days, hence the same charts."""
    iso = bundled_source().fetch(["realDonaldTrump"], 400)["realDonaldTrump"]
    lines = ["screen_name,created_at,text,id"]
    for t in iso:
        x_time = t.created_at.strftime("%a %b %d %H:%M:%S +0000 %Y")  # C locale in tests: English names
        lines.append(f'realDonaldTrump,{x_time},"{t.text.replace(chr(34), chr(34) * 2)}",{t.id}')
    source = source_from_setting(f"file:{write(tmp_path / 'v1.csv.gz', chr(10).join(lines) + chr(10))}")
    assert source.fetch(["realDonaldTrump"], 400)["realDonaldTrump"] == iso


def test_x_format_is_read_whatever_the_locale(tmp_path: Path) -> None:
    """strptime's %a/%b follow LC_TIME: the reader must not, or a German server would refuse every month."""
    if shutil.which("localedef") is None:
        pytest.skip("localedef (glibc) is needed to build a German locale")
    built = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8", str(tmp_path / "de_DE.UTF-8")], check=False)
    if built.returncode not in (0, 1):  # 1: built, with warnings
        pytest.skip("glibc's locale sources are not installed")
    code = (
        "import locale\n"
        "from core.analysis.tweets.sources.times import parse_time\n"
        "locale.setlocale(locale.LC_TIME, 'de_DE.UTF-8')\n"
        "import datetime as dt; assert dt.date(2024, 3, 5).strftime('%b') != 'Mar'  # the locale took\n"
        "print(parse_time('Tue Mar 05 08:00:00 +0000 2024').isoformat())\n"
    )
    env = {**os.environ, "LOCPATH": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "2024-03-05T08:00:00+00:00"


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2024-03-05", dt.datetime(2024, 3, 5, tzinfo=UTC)),  # a date alone: midnight UTC
        ("2024-03-05T23:30:00", dt.datetime(2024, 3, 5, 23, 30, tzinfo=UTC)),  # no zone: UTC
        (" 2024-03-05T23:30:00-01:00 ", dt.datetime(2024, 3, 6, 0, 30, tzinfo=UTC)),  # an offset moves the day
    ],
)
def test_what_a_time_without_a_zone_means(tmp_path: Path, written: str, meant: dt.datetime) -> None:
    path = write(tmp_path / "t.csv", f'screen_name,created_at,text\nann,"{written}",hi\n')
    assert file_source(path).fetch(["ann"], 1)["ann"][0].created_at == meant


# --- a file that cannot be used: named, with the row and the reason -----------------------------------------------

BAD_ROWS = [
    # (the file after its header, where, what the reason says)
    ("ann,2024-03-01T00:00:00Z,ok\ndave,yesterday,hi\n", "data row 2 (line 3)", "created_at 'yesterday' is not a time"),
    ("ann,2024-03-01T00:00:00Z,ok\ndave,Wed Foo 10 20:19:24 +0000 2018,hi\n", "data row 2", "not a time"),
    ("ann,2024-02-30T00:00:00Z,ok\n", "data row 1 (line 2)", "created_at '2024-02-30T00:00:00Z' is not a time"),
    ('ann,2024-03-01T00:00:00Z,"two\nlines"\n\ndave,2020-01-01T00:00:00Z\n', "data row 2 (line 5)", "2 fields where 3"),
    ("ann,2024-03-01T00:00:00Z,ok\n ,2024-03-01T00:00:00Z,who\n", "data row 2 (line 3)", "empty screen_name"),
]


@pytest.mark.parametrize(("rows", "where", "reason"), BAD_ROWS, ids=[r[2][:20] for r in BAD_ROWS])
def test_a_malformed_row_is_named_with_its_line_and_reason(tmp_path: Path, rows: str, where: str, reason: str) -> None:
    path = write(tmp_path / "tweets.csv", "screen_name,created_at,text\n" + rows)
    with pytest.raises(TweetFileError, match=re.escape(f"{path}, {where}")) as raised:
        load_index(path, FILE_LAYOUT)
    assert reason in str(raised.value)


def test_a_bad_row_is_logged_once_at_set_up_and_named_in_every_503(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "ops-tweets.csv", "screen_name,created_at,text\ndave,2024-03-01,hi\ndave,soon,bye\n")
    with caplog.at_level(logging.ERROR):
        source = source_from_setting(f"file:{path}")  # starts: predictions are still served
    assert [r.getMessage() for r in caplog.records] == [
        f"tweets cannot be read from {path}, data row 2 (line 3): created_at 'soon' is not a time: "
        "write it as 2018-10-10T20:19:24Z or Wed Oct 10 20:19:24 +0000 2018"
    ]
    caplog.clear()
    for _ in range(2):
        with pytest.raises(SourceUnavailableError) as raised:
            source.fetch(["dave"], 1)
        assert raised.value.message == (
            "the file tweets cannot be read on this deployment: ops-tweets.csv, data row 2 (line 3): "
            "created_at 'soon' is not a time: write it as 2018-10-10T20:19:24Z or Wed Oct 10 20:19:24 +0000 2018"
        )
        assert str(tmp_path) not in raised.value.message  # the file's name, not where the server keeps it
    assert not caplog.records  # read and logged once, not again per request


def test_the_503_body_names_the_file_row_and_reason_on_the_wire(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "screen_name,created_at,text\nx,2024,hi\n")
    settings = dataclasses.replace(Settings.from_env(), tweets_source=f"file:{path}", access_log=False)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    for route in ("/api/frequency", "/frequency", "/html/sentiment"):
        response = client.get(route, params={"users": "x"})
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["type"] == "SourceUnavailableError"
        assert error["message"].startswith(
            "the file tweets cannot be read on this deployment: t.csv, data row 1 (line 2)"
        )
        assert str(tmp_path) not in response.text


def test_an_unreadable_file_gives_the_reason_without_the_path(tmp_path: Path) -> None:
    path = tmp_path / "t.csv.gz"
    path.write_bytes(b"screen_name,created_at,text\n")  # named .gz, but not gzip
    with pytest.raises(TweetFileError) as raised:
        load_index(path, FILE_LAYOUT)
    assert raised.value.public == "t.csv.gz: cannot be read (Not a gzipped file (b'sc'))"
    with pytest.raises(TweetFileError) as raised:
        load_index(tmp_path, FILE_LAYOUT)  # a directory: the OSError's own text would repeat the whole path
    assert raised.value.public == f"{tmp_path.name}: cannot be read (Is a directory)"


def test_a_deployment_without_the_bundled_corpus_starts_and_answers_unavailable(tmp_path: Path) -> None:
    """The Lambda function that serves predictions is packaged without data/: it must start, and say why."""
    source = CsvTweetSource(tmp_path / "absent.csv.gz", BUNDLED_LAYOUT, name="bundled")
    with pytest.raises(SourceUnavailableError) as raised:
        source.fetch(["realDonaldTrump"], 10)
    assert raised.value.message == (
        "the bundled tweets cannot be read on this deployment: "
        "absent.csv.gz: cannot be read (No such file or directory)"
    )


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
