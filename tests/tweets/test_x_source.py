"""The X source against recorded X API v2 exchanges (replayed with ``responses``; nothing leaves the machine)."""

from __future__ import annotations

import datetime as dt
import http.server
import logging
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import requests.adapters
import responses
from responses import matchers

from core.analysis.tweets.sources import source_from_setting, x_client
from core.analysis.tweets.sources.x import XSource
from core.analysis.tweets.sources.x_client import BudgetSession
from core.analysis.tweets.sources.x_credentials import XCredentials
from core.errors import (
    CoreError,
    InvalidInputError,
    UnknownAccountError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamRateLimitedError,
    UpstreamTimeoutError,
)

RECORDED = Path(__file__).parent / "recorded"
USERS_BY = "https://api.twitter.com/2/users/by"
DEV_ID, API_ID = "2244994945", "6253282"
T1, T2, T3 = (f"7140dibdnow9c7btw423x4d5i6mwbyl3izpyjxf6zcl{s}" for s in ("1m", "2n", "3o"))
BEARER = "AAAAAAAAAAAAAAAAAAAAAplanted-bearer-secret%3Dz"
OAUTH = {
    "API_KEY": "planted-consumer-key-0001",
    "API_SECRET_KEY": "planted-consumer-secret-0002",
    "ACCESS_TOKEN": "1234567890-planted-access-token-0003",
    "ACCESS_SECRET": "planted-access-secret-0004",
}


def body(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def timeline_url(user_id: str) -> str:
    return f"https://api.twitter.com/2/users/{user_id}/tweets"


def add_users(rsps: responses.RequestsMock, usernames: str, fixture: str) -> None:
    rsps.get(
        USERS_BY,
        body=body(fixture),
        content_type="application/json",
        match=[matchers.query_param_matcher({"usernames": usernames})],
    )


def add_page(
    rsps: responses.RequestsMock,
    user_id: str,
    max_results: int,
    token: str | None,
    fixture: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    params = {"max_results": str(max_results), "tweet.fields": "created_at"}
    if token:
        params["pagination_token"] = token
    rsps.get(
        timeline_url(user_id),
        body=body(fixture),
        status=status,
        headers=headers,
        content_type="application/json",
        match=[matchers.query_param_matcher(params)],
    )


def source(budget: float = 5.0) -> XSource:
    return XSource(XCredentials(bearer_token=BEARER), budget_seconds=budget)


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


# --- pagination -------------------------------------------------------------------------------------------------


def test_pages_until_n_then_trims_to_the_latest_n_oldest_first(rsps: responses.RequestsMock) -> None:
    add_users(rsps, "twitterdev", "users_by__one_found.json")
    add_page(rsps, DEV_ID, 12, None, "users_tweets__dev_page1.json")  # asks for what is missing...
    add_page(rsps, DEV_ID, 7, T1, "users_tweets__dev_page2.json")
    add_page(rsps, DEV_ID, 5, T2, "users_tweets__dev_page3.json")  # ...but never fewer than the API's 5

    result = source().fetch(["twitterdev"], 12)

    tweets = result["twitterdev"]
    assert [t.id for t in tweets] == [str(1578000000000000000 + i) for i in range(19, 31)]  # 12 newest of 15
    assert [t.created_at for t in tweets] == sorted(t.created_at for t in tweets)
    assert {t.screen_name for t in tweets} == {"TwitterDev"}  # the API's spelling, not the request's
    assert tweets[-1].text == "Line one\nline two, with “quotes” and an emoji 🚀"
    assert tweets[-1].created_at == dt.datetime(2022, 10, 7, 23, tzinfo=dt.UTC)
    assert all(isinstance(t.id, str) for t in tweets)
    assert rsps.calls[0].request.headers["Authorization"] == f"Bearer {BEARER}"


def test_stops_at_the_last_page_and_keeps_request_order_for_several_users(rsps: responses.RequestsMock) -> None:
    add_users(rsps, "TwitterAPI,TwitterDev", "users_by__found.json")
    add_page(rsps, API_ID, 100, None, "users_tweets__api_only_page.json")
    add_page(rsps, DEV_ID, 100, None, "users_tweets__dev_page1.json")
    add_page(rsps, DEV_ID, 95, T1, "users_tweets__dev_page2.json")
    add_page(rsps, DEV_ID, 90, T2, "users_tweets__dev_page3.json")
    add_page(rsps, DEV_ID, 85, T3, "users_tweets__dev_last_page.json")

    result = source().fetch(["TwitterAPI", "TwitterDev", "twitterdev"], 100)

    assert list(result) == ["TwitterAPI", "TwitterDev", "twitterdev"]
    assert [t.id for t in result["TwitterAPI"]] == ["1578000000000000102", "1578000000000000105"]
    assert len(result["TwitterDev"]) == 18
    assert result["twitterdev"] == result["TwitterDev"]  # one account asked twice: fetched once


def test_a_user_with_no_tweets_is_an_unknown_account(rsps: responses.RequestsMock) -> None:
    add_users(rsps, "TwitterDev", "users_by__one_found.json")
    add_page(rsps, DEV_ID, 50, None, "users_tweets__empty.json")
    with pytest.raises(UnknownAccountError, match="TwitterDev.*no tweets") as caught:
        source().fetch(["TwitterDev"], 50)
    assert caught.value.field == "users"


# --- accounts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "message"),
    [("users_by__not_found.json", "no account 'nosuchuser_9x'"), ("users_by__suspended.json", "suspended")],
)
def test_unknown_or_suspended_accounts_are_named(rsps: responses.RequestsMock, fixture: str, message: str) -> None:
    rsps.get(USERS_BY, body=body(fixture), content_type="application/json")
    users = ["TwitterDev", "nosuchuser_9x"] if "not_found" in fixture else ["suspended_acct"]
    with pytest.raises(UnknownAccountError, match=message) as caught:
        source().fetch(users, 10)
    assert caught.value.field == "users"
    assert len(rsps.calls) == 1  # no timeline is read when an account is missing


def test_a_protected_timeline_is_an_unknown_account(rsps: responses.RequestsMock) -> None:
    add_users(rsps, "TwitterDev", "users_by__one_found.json")
    add_page(rsps, DEV_ID, 10, None, "users_tweets__protected.json")
    with pytest.raises(UnknownAccountError, match="protected"):
        source().fetch(["TwitterDev"], 10)


def test_a_name_that_cannot_be_a_handle_is_refused_before_any_request(rsps: responses.RequestsMock) -> None:
    with pytest.raises(InvalidInputError, match="not an X handle") as caught:
        source().fetch(["fine", "not a handle"], 10)
    assert caught.value.field == "users"


# --- upstream failures ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "fixture", "error", "message"),
    [
        (401, "error__401.json", UpstreamAuthError, "check X_BEARER_TOKEN"),
        (403, "error__403_client_forbidden.json", UpstreamAuthError, "check X_BEARER_TOKEN"),
        (500, "error__500.json", UpstreamError, r"failed \(500\)"),
        (503, "error__503.json", UpstreamError, r"failed \(503\)"),
    ],
)
def test_http_failures_map_to_upstream_errors(
    rsps: responses.RequestsMock, status: int, fixture: str, error: type[CoreError], message: str
) -> None:
    rsps.get(USERS_BY, body=body(fixture), status=status, content_type="application/json")
    with pytest.raises(error, match=message) as caught:
        source().fetch(["TwitterDev"], 10)
    assert type(caught.value) is error


def test_rate_limit_carries_seconds_until_the_reset(rsps: responses.RequestsMock) -> None:
    reset = int(time.time()) + 120
    add_users(rsps, "TwitterDev", "users_by__one_found.json")
    headers = {"x-rate-limit-limit": "1500", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
    add_page(rsps, DEV_ID, 10, None, "error__429.json", status=429, headers=headers)
    with pytest.raises(UpstreamRateLimitedError) as caught:
        source().fetch(["TwitterDev"], 10)
    assert caught.value.retry_after is not None
    assert 115 <= caught.value.retry_after <= 121


@pytest.mark.parametrize("headers", [{}, {"x-rate-limit-reset": "soon"}], ids=["no-reset-header", "bad-reset-header"])
def test_rate_limit_without_a_usable_reset_has_no_retry_after(
    rsps: responses.RequestsMock, headers: dict[str, str]
) -> None:
    rsps.get(USERS_BY, body=body("error__429.json"), status=429, headers=headers, content_type="application/json")
    with pytest.raises(UpstreamRateLimitedError) as caught:
        source().fetch(["TwitterDev"], 10)
    assert caught.value.retry_after is None


def test_rate_limit_falls_back_to_retry_after(rsps: responses.RequestsMock) -> None:
    rsps.get(USERS_BY, body=body("error__429.json"), status=429, headers={"Retry-After": "30"})
    with pytest.raises(UpstreamRateLimitedError) as caught:
        source().fetch(["TwitterDev"], 10)
    assert caught.value.retry_after == 30


@pytest.mark.parametrize(
    ("raised", "error", "message"),
    [
        (requests.exceptions.ReadTimeout("read timed out"), UpstreamTimeoutError, "did not answer in time"),
        (requests.exceptions.ConnectTimeout("connect timed out"), UpstreamTimeoutError, "did not answer in time"),
        (
            requests.exceptions.ConnectionError(ConnectionResetError(104, "Connection reset by peer")),
            UpstreamError,
            "connection failed or was reset",
        ),
        (requests.exceptions.ChunkedEncodingError("incomplete read"), UpstreamError, "connection to the X API failed"),
    ],
    ids=["read-timeout", "connect-timeout", "connection-reset", "chunked-encoding"],
)
def test_transport_failures(
    rsps: responses.RequestsMock, raised: Exception, error: type[CoreError], message: str
) -> None:
    rsps.get(USERS_BY, body=raised)
    with pytest.raises(error, match=message) as caught:
        source().fetch(["TwitterDev"], 10)
    assert type(caught.value) is error


@pytest.mark.parametrize(
    "payload",
    [b"<html>Bad gateway</html>", b"", b'{"data": [{"id": 2244994945}]}', b"[]"],
    ids=["html", "empty", "wrong-types", "not-an-object"],
)
def test_a_malformed_lookup_body_is_an_upstream_error(rsps: responses.RequestsMock, payload: bytes) -> None:
    rsps.get(USERS_BY, body=payload, content_type="application/json")
    with pytest.raises(UpstreamError, match="cannot read"):
        source().fetch(["TwitterDev"], 10)


def test_a_malformed_error_body_is_still_mapped_by_status(rsps: responses.RequestsMock) -> None:
    rsps.get(USERS_BY, body=b"[1, 2]", status=503, content_type="application/json")
    with pytest.raises(UpstreamError):
        source().fetch(["TwitterDev"], 10)


# --- no partial result passed off as complete -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("second_page", "message"),
    [
        ("users_tweets__cut_off.body", "cannot read"),
        ("users_tweets__truncated.json", r"truncated page .*\(2 of 5 tweets\)"),
        ("users_tweets__repeated_token.json", "repeated a page"),
    ],
    ids=["cut-off-midway", "fewer-tweets-than-its-count", "repeated-token-not-looped"],
)
def test_a_bad_second_page_fails_the_whole_fetch(rsps: responses.RequestsMock, second_page: str, message: str) -> None:
    add_users(rsps, "TwitterDev", "users_by__one_found.json")
    add_page(rsps, DEV_ID, 15, None, "users_tweets__dev_page1.json")
    add_page(rsps, DEV_ID, 10, T1, second_page)
    with pytest.raises(UpstreamError, match=message):
        source().fetch(["TwitterDev"], 15)


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.exceptions.ConnectionError("reset")},
        {"body": body("error__503.json"), "status": 503},
        {"body": requests.exceptions.ReadTimeout("slow")},
    ],
    ids=["reset", "503", "timeout"],
)
def test_a_promised_next_page_that_fails_fails_the_whole_fetch(
    rsps: responses.RequestsMock, failure: dict[str, object]
) -> None:
    add_users(rsps, "TwitterDev", "users_by__one_found.json")
    add_page(rsps, DEV_ID, 15, None, "users_tweets__dev_page1.json")
    params = {"max_results": "10", "tweet.fields": "created_at", "pagination_token": T1}
    rsps.get(timeline_url(DEV_ID), match=[matchers.query_param_matcher(params)], **failure)
    with pytest.raises(UpstreamError):
        source().fetch(["TwitterDev"], 15)


# --- deadline ---------------------------------------------------------------------------------------------------


def test_every_request_carries_the_budget_left_as_its_timeout(rsps: responses.RequestsMock) -> None:
    add_users(rsps, "TwitterDev", "users_by__one_found.json")
    add_page(rsps, DEV_ID, 10, None, "users_tweets__dev_page1.json")
    add_page(rsps, DEV_ID, 5, T1, "users_tweets__dev_page2.json")
    source(budget=3.0).fetch(["TwitterDev"], 10)
    timeouts = [call.request.req_kwargs["timeout"] for call in rsps.calls]
    assert all(0 < t <= 3.0 for t in timeouts)
    assert timeouts == sorted(timeouts, reverse=True)


def test_a_slow_page_past_the_budget_is_a_timeout_not_a_partial_result(rsps: responses.RequestsMock) -> None:
    add_users(rsps, "TwitterDev", "users_by__one_found.json")
    add_page(rsps, DEV_ID, 15, None, "users_tweets__dev_page1.json")

    def slow_page(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        time.sleep(0.3)
        return 200, {}, body("users_tweets__dev_page2.json")

    rsps.add_callback(responses.GET, timeline_url(DEV_ID), callback=slow_page)
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError, match="budget 0.2 s"):
        source(budget=0.2).fetch(["TwitterDev"], 15)
    assert time.monotonic() - started < 1.0


def test_a_caller_deadline_already_past_sends_nothing() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        with pytest.raises(UpstreamTimeoutError):
            source().fetch(["TwitterDev"], 10, deadline=time.monotonic() - 1)
        assert len(mock.calls) == 0


def test_the_caller_deadline_shortens_the_budget(rsps: responses.RequestsMock) -> None:
    add_users(rsps, "TwitterDev", "users_by__one_found.json")
    add_page(rsps, DEV_ID, 10, None, "users_tweets__api_only_page.json")
    source(budget=30).fetch(["TwitterDev"], 10, deadline=time.monotonic() + 2)
    assert all(call.request.req_kwargs["timeout"] <= 2 for call in rsps.calls)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A real TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.05)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_the_budget_session_gives_up_on_a_silent_real_server(silent_server: int) -> None:
    started = time.monotonic()
    with BudgetSession(started + 0.3) as session, pytest.raises(requests.exceptions.ReadTimeout):
        session.get(f"http://127.0.0.1:{silent_server}/2/users/by")
    assert 0.25 < time.monotonic() - started < 1.5


# --- secrets ----------------------------------------------------------------------------------------------------


SCENARIOS = {
    "ok": ("users_by__one_found.json", 200, None),
    "401": ("error__401.json", 401, UpstreamAuthError),
    "429": ("error__429.json", 429, UpstreamRateLimitedError),
    "503": ("error__503.json", 503, UpstreamError),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("auth", ["bearer", "oauth1"])
def test_no_secret_reaches_a_log_record_or_an_error(
    rsps: responses.RequestsMock, caplog: pytest.LogCaptureFixture, auth: str, scenario: str
) -> None:
    environ = {"X_BEARER_TOKEN": BEARER} if auth == "bearer" else dict(OAUTH)
    secrets = list(environ.values())
    fixture, status, error = SCENARIOS[scenario]
    rsps.get(USERS_BY, body=body(fixture), status=status, content_type="application/json")
    if error is None:
        add_page(rsps, DEV_ID, 10, None, "users_tweets__api_only_page.json")
    caplog.set_level(logging.DEBUG)
    x = source_from_setting("x", environ=environ)

    messages: list[str] = [repr(x)]
    if error is None:
        x.fetch(["TwitterDev"], 10)
    else:
        with pytest.raises(error) as caught:
            x.fetch(["TwitterDev"], 10)
        messages += [str(caught.value), caught.value.message, repr(caught.value)]
    messages += [record.getMessage() for record in caplog.records]

    wire = rsps.calls[0].request.headers["Authorization"]
    assert secrets[0] in wire if auth == "bearer" else f'oauth_consumer_key="{OAUTH["API_KEY"]}"' in wire
    assert any(r.name == "tweepy.client" and "[redacted]" in r.getMessage() for r in caplog.records) == (
        auth == "bearer"
    )
    assert any(r.name.startswith(("oauthlib", "requests_oauthlib")) for r in caplog.records) == (auth == "oauth1")
    for secret in secrets:
        assert not [m for m in messages if secret in m], f"{secret!r} leaked"
        assert secret not in caplog.text


def test_a_rejected_oauth_credential_names_all_four_variables(rsps: responses.RequestsMock) -> None:
    rsps.get(USERS_BY, body=body("error__401.json"), status=401, content_type="application/json")
    with pytest.raises(UpstreamAuthError) as caught:
        source_from_setting("x", environ=OAUTH).fetch(["TwitterDev"], 10)
    assert "API_KEY, API_SECRET_KEY, ACCESS_TOKEN and ACCESS_SECRET" in caught.value.message


# --- the whole stack against a real local server (real sockets, real urllib3, real timeouts) ---------------------


class _ReplayHandler(http.server.BaseHTTPRequestHandler):
    """Answers tweepy's requests with the recorded bodies; ``server.mode`` makes the timeline slow or reset."""

    server: _ReplayServer

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        self.server.authorizations.append(self.headers.get("Authorization", ""))
        if url.path == "/2/users/by":
            return self._send(body("users_by__one_found.json"))
        if self.server.mode == "slow":
            self.server.release.wait(2)  # longer than any budget here; released when the test ends
            return None
        if self.server.mode == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return None
        pages = {None: "users_tweets__dev_page1.json", T1: "users_tweets__dev_page2.json"}
        return self._send(body(pages[query.get("pagination_token", [None])[0]]))

    def _send(self, payload: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _ReplayServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    mode = "ok"
    authorizations: list[str]
    release: threading.Event


class _ToLocal(requests.adapters.HTTPAdapter):
    """Sends what tweepy addresses to api.twitter.com to the local server instead."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        request.url = (request.url or "").replace("https://api.twitter.com", f"http://127.0.0.1:{self.port}")
        return super().send(request, **kwargs)


@pytest.fixture
def local_x(monkeypatch: pytest.MonkeyPatch) -> Iterator[_ReplayServer]:
    server = _ReplayServer(("127.0.0.1", 0), _ReplayHandler)
    server.authorizations, server.release = [], threading.Event()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    adapter = _ToLocal(server.server_address[1])
    monkeypatch.setattr(x_client, "connection_pool", lambda: adapter)
    yield server
    server.release.set()
    adapter.close()
    server.shutdown()
    server.server_close()
    thread.join()


def test_real_server_pages_and_no_secret_in_any_log(local_x: _ReplayServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    tweets = source().fetch(["TwitterDev"], 10)["TwitterDev"]
    assert [t.id for t in tweets] == [str(1578000000000000000 + i) for i in range(21, 31)]
    assert local_x.authorizations == [f"Bearer {BEARER}"] * 3
    assert any(r.name.startswith("urllib3") for r in caplog.records)  # the real client logged at DEBUG...
    assert BEARER not in caplog.text  # ...and no record holds the token


def test_real_server_too_slow_is_a_timeout_within_the_budget(local_x: _ReplayServer) -> None:
    local_x.mode = "slow"
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError):
        source(budget=0.5).fetch(["TwitterDev"], 10)
    assert time.monotonic() - started < 1.5  # the server would have taken 2 s


def test_real_server_reset_is_an_upstream_error(local_x: _ReplayServer) -> None:
    local_x.mode = "reset"
    with pytest.raises(UpstreamError, match="connection failed or was reset") as caught:
        source().fetch(["TwitterDev"], 10)
    assert type(caught.value) is UpstreamError
