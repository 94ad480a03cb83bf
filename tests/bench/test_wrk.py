"""wrk's output read right: ``--latency``'s summary with its units, and the soak script's own lines."""

from __future__ import annotations

import pytest

from bench import wrk

LATENCY = """Running 10s test @ http://127.0.0.1:8080/predict_data
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    15.21ms    1.31ms  30.12ms   90.00%
  Latency Distribution
     50%   14.95ms
     75%   15.40ms
     90%   16.10ms
     99%  850.00us
  21100 requests in 10.00s, 4.51MB read
  Non-2xx or 3xx responses: 7
Requests/sec:   2110.05
Transfer/sec:    461.52KB
"""

SOAK = """Running 3s test @ http://127.0.0.1:8080
SOAK-STATUS 401=12 200=300 404=20
SOAK-SUMMARY requests=332 seconds=3.004 connect=0 read=1 write=0 timeout=2 p50_ms=4.100 p99_ms=90.500
"""


def test_latency_is_read_with_its_units() -> None:
    assert wrk.parse_latency(LATENCY) == (2110.05, 14.95, 0.85, 21100, 7)


def test_no_non_2xx_line_means_none() -> None:
    assert wrk.parse_latency(LATENCY.replace("  Non-2xx or 3xx responses: 7\n", ""))[4] == 0


def test_the_soak_lines_give_answers_by_status_in_order_and_the_summary() -> None:
    statuses, summary = wrk.parse_soak(SOAK)
    assert list(statuses.items()) == [(200, 300), (401, 12), (404, 20)]
    assert summary["requests"] == 332 and summary["timeout"] == 2 and summary["p99_ms"] == 90.5


def test_output_without_the_soak_lines_is_an_error_that_shows_it() -> None:
    with pytest.raises(RuntimeError, match=r"(?s)no soak summary.*Running 3s"):
        wrk.parse_soak(LATENCY.replace("10s", "3s"))
