"""A REST API compresses answers from ``minimumCompressionSize`` up when the client accepts gzip; an HTTP API never.

Rule 16 of docs/emulator-divergences.md, checked through ``emulator serve``'s real HTTP server and its
gateway logic, with the threshold read from the serverless.yml fixture (``custom.compressFrom``).
"""

from __future__ import annotations

import gzip
import http.client
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.messages import HttpRequest
from emulator.serve import LocalGateway, make_server
from emulator.slsconfig import load
from tests.emulator.servers import running

FIXTURE = Path(__file__).parent / "serverless.fixture.yml"
PROJECT_CONFIG = Path(__file__).resolve().parents[2] / "serverless.yml"
MINIMUM = load(FIXTURE).minimum_compression_size
assert MINIMUM is not None and MINIMUM > 1, "the fixture must set provider.apiGateway.minimumCompressionSize"


def fetch(base: str, target: str, accept_encoding: str | None) -> tuple[int, dict[str, str], bytes]:
    """A GET with exactly the ``Accept-Encoding`` given (none when None), the body as sent on the wire."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        if accept_encoding is not None:
            connection.putheader("Accept-Encoding", accept_encoding)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def rest() -> Iterator[str]:
    with running(make_server("aws-rest", FIXTURE, "127.0.0.1", 0)) as base:
        yield base


@pytest.fixture(scope="module")
def http_api() -> Iterator[str]:
    with running(make_server("aws-http", FIXTURE, "127.0.0.1", 0)) as base:
        yield base


def test_rest_api_compresses_an_answer_of_minimum_size_and_not_one_byte_less(rest):
    status, headers, body = fetch(rest, f"/sized?n={MINIMUM}", "gzip")
    assert (status, headers.get("content-encoding")) == (200, "gzip")
    assert gzip.decompress(body) == b"x" * MINIMUM
    assert int(headers["content-length"]) == len(body) < MINIMUM
    status, headers, body = fetch(rest, f"/sized?n={MINIMUM - 1}", "gzip")
    assert (status, "content-encoding" in headers, body) == (200, False, b"x" * (MINIMUM - 1))


def test_http_api_never_compresses(http_api):
    status, headers, body = fetch(http_api, f"/sized?n={MINIMUM * 4}", "gzip, deflate")
    assert (status, "content-encoding" in headers, body) == (200, False, b"x" * (MINIMUM * 4))


def test_rest_api_leaves_an_answer_the_function_encoded_itself(rest):
    status, headers, body = fetch(rest, "/encoded", "gzip")
    assert (status, headers["content-encoding"], body) == (200, "br", b"y" * 5000)


DECODERS = {"gzip": gzip.decompress, "deflate": zlib.decompress}


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [
        ("gzip", "gzip"),
        ("deflate", "deflate"),
        ("gzip, deflate, br", "gzip"),  # equal qualities: the first listed
        ("deflate;q=0.5, gzip", "gzip"),
        ("br;q=1.0, gzip;q=0.8", None),  # the highest-priority coding is not one API Gateway supports
        ("identity", None),
        ("gzip;q=0", None),
        ("*", None),  # no explicit coding
        (None, None),  # no header means "*"
    ],
)
def test_the_highest_priority_coding_decides(accept_encoding, coding):
    gateway = LocalGateway("aws-rest", load(FIXTURE))
    headers = (("Accept-Encoding", accept_encoding),) if accept_encoding is not None else ()
    response = gateway.handle(HttpRequest("GET", "/sized", f"n={MINIMUM * 2}", headers))
    assert response.header("content-encoding") == coding
    body = DECODERS[coding](response.body) if coding else response.body
    assert body == b"x" * (MINIMUM * 2)


def test_without_minimum_compression_size_nothing_is_compressed(tmp_path):
    config = tmp_path / "serverless.yml"
    config.write_text(FIXTURE.read_text().replace("minimumCompressionSize:", "unusedSetting:"))
    assert load(config).minimum_compression_size is None
    response = LocalGateway("aws-rest", load(config)).handle(
        HttpRequest("GET", "/sized", f"n={MINIMUM * 2}", (("Accept-Encoding", "gzip"),))
    )
    assert response.header("content-encoding") is None and len(response.body) == MINIMUM * 2


@pytest.mark.parametrize("value", ["-1", "10485761", "big", "1.5"])
def test_an_invalid_minimum_compression_size_is_named(tmp_path, value):
    config = tmp_path / "serverless.yml"
    config.write_text(FIXTURE.read_text().replace("${self:custom.compressFrom}", repr(value)))
    with pytest.raises(ValueError, match="minimumCompressionSize"):
        load(config)


@pytest.mark.slow
def test_project_rest_api_gzips_a_large_json_answer_and_the_http_api_does_not():
    """serverless.yml's own minimumCompressionSize, on a real route: the JSON decompresses to the plain answer."""
    minimum = load(PROJECT_CONFIG).minimum_compression_size
    assert minimum is not None, "serverless.yml sets provider.apiGateway.minimumCompressionSize"
    target = "/api/frequency?users=realDonaldTrump&n=3200"
    with running(make_server("aws-rest", PROJECT_CONFIG, "127.0.0.1", 0)) as base:
        _, plain_headers, plain = fetch(base, target, None)
        status, headers, body = fetch(base, target, "gzip, deflate, br")
    assert len(plain) >= minimum and "content-encoding" not in plain_headers
    assert (status, headers.get("content-encoding")) == (200, "gzip")
    assert gzip.decompress(body) == plain
    with running(make_server("aws-http", PROJECT_CONFIG, "127.0.0.1", 0)) as base:
        _, headers, body = fetch(base, target, "gzip, deflate, br")
    assert "content-encoding" not in headers and body == plain
