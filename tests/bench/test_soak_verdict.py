"""The soak fails on what a user would suffer: a 5xx, a lost or leaking log line, a socket error, a memory climb."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.soak.mix import model_requests
from bench.soak.verdict import Result, read_log

KEY = "k3y-for-the-test"


def _result(**changes: object) -> Result:
    fields: dict[str, object] = {
        "statuses": {200: 90, 401: 10},
        "summary": {"requests": 100, "seconds": 1.0, "connect": 0, "read": 0, "write": 0, "timeout": 0},
        "rss_mb": {"spawned": 50.0, "start": 100.0, "end": 105.0},
        "rss_trend": [100.0, 105.0],
        "load_average": 0.5,
        "logged": {200: 95, 401: 10},
    }
    return Result(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_clean_run_passes_and_its_growth_is_against_the_warmed_up_rss() -> None:
    result = _result()
    assert result.growth_percent == pytest.approx(5.0)
    assert not result.failed(max_growth=10)
    assert result.failed(max_growth=5)  # the limit itself fails


@pytest.mark.parametrize(
    "change",
    [
        {"statuses": {200: 99, 502: 1}},
        {"logged": {200: 99, 500: 1}},  # a 5xx the client never saw (it timed out) still counts
        {"summary": {"requests": 100, "seconds": 1.0, "connect": 0, "read": 0, "write": 0, "timeout": 1}},
        {"log_problems": ["line 3 holds the API key"]},
    ],
)
def test_any_server_error_socket_error_or_log_problem_fails(change: dict[str, object]) -> None:
    assert _result(**change).failed(max_growth=1000)


def test_the_log_reader_counts_by_status_and_names_bad_and_leaking_lines(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(f'{{"status": 200}}\n{{"status": 200}}\nnot json\n{{"status": 401, "key": "{KEY}"}}\n')
    counts, problems = read_log(log, KEY)
    assert counts == {200: 2, 401: 1}
    assert problems == ["line 3 is not an access-log JSON line: 'not json\\n'", "line 4 holds the API key"]


def test_the_mix_has_good_bad_and_keyless_requests_in_the_shape_soak_lua_reads() -> None:
    requests = model_requests()
    assert {key for _, _, _, key, _ in requests} == {0, 1, 2}
    assert all("\t" not in "".join(map(str, r)) and "\n" not in r[4] for r in requests)
