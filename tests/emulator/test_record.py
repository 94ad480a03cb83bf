"""Recording over real HTTP, in-process and as a proxy: the cases replay, and no planted secret reaches disk."""

from __future__ import annotations

import base64
import http.server
import json
import urllib.request
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from emulator.platforms import PLATFORMS
from emulator.record import Recorder, make_server
from emulator.replay import replay
from emulator.scrub import Scrubber
from tests.emulator.servers import running

ENV_SECRET = "tok-9f8e7d6c5b4a3210"  # pragma: allowlist secret
BEARER = "eyJhbGciOiJIUzI1NiJ9.planted.signature"  # pragma: allowlist secret
COOKIE = "planted-cookie-value-77"  # pragma: allowlist secret
API_KEY = "planted-api-key-123456"  # pragma: allowlist secret
QUERY_TOKEN = "planted-access-token-42"  # pragma: allowlist secret
SECRETS = (ENV_SECRET, BEARER, COOKIE, API_KEY, QUERY_TOKEN)


def send(base: str, target: str, body: bytes | None = None) -> tuple[int, bytes]:
    headers = {
        "Accept": "application/json",
        "Authorization": f"Bearer {BEARER}",
        "Cookie": f"session={COOKIE}; theme=dark",
        "X-API-Key": API_KEY,
        "X-Note": f"copied {ENV_SECRET} here",
    }
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + target, data=body, headers=headers, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def assert_no_secret_on_disk(folder: Path) -> None:
    files = sorted(folder.rglob("*.json"))
    assert files, "nothing was recorded"
    for path in files:
        text = path.read_text(encoding="utf-8")
        for secret in SECRETS:
            for form in (
                secret,
                quote(secret, safe=""),
                quote_plus(secret),
                base64.b64encode(secret.encode()).decode(),
            ):
                assert form not in text, f"{path.name} holds a planted secret ({form[:12]}...)"
        assert "REDACTED" in text


QUERY = f"/predict_data?pregnant=1&glucose=100&pressure=70&access_token={QUERY_TOKEN}&api_key={API_KEY}"
BODY = json.dumps({"rows": [{"pregnant": 1, "glucose": 100, "pressure": 70}], "note": ENV_SECRET}).encode()


@pytest.mark.slow
@pytest.mark.parametrize("platform", ["aws-http", "aws-rest", "cloud-run"])
def test_recording_in_process_scrubs_secrets_and_replays(tmp_path, monkeypatch, platform):
    monkeypatch.setenv("PLANTED_SERVICE_TOKEN", ENV_SECRET)
    with running(make_server(Recorder(PLATFORMS[platform], tmp_path), "127.0.0.1", 0)) as base:
        status, body = send(base, "/predict_data?pregnant=1&glucose=100&pressure=70")
        assert (status, json.loads(body)["Answer"]) == (200, ["no"])
        assert send(base, QUERY)[0] == 422  # the service refuses unknown parameters, naming them
        assert send(base, "/models/diabetes/predict", BODY)[0] == 422  # "note" is not a feature
    assert len(list(tmp_path.glob("*.json"))) == 3
    assert_no_secret_on_disk(tmp_path)
    assert replay([tmp_path], out=lambda line: None) == 0


class _Echo(http.server.BaseHTTPRequestHandler):
    """A service that repeats the request back, secrets included, so the answer needs scrubbing too."""

    def do_GET(self) -> None:
        body = json.dumps({"path": self.path, "headers": dict(self.headers.items())}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", f"session={COOKIE}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.slow
def test_proxy_mode_records_the_running_services_answer_without_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANTED_SERVICE_TOKEN", ENV_SECRET)
    with running(http.server.HTTPServer(("127.0.0.1", 0), _Echo)) as upstream:
        recorder = Recorder(PLATFORMS["aws-alb"], tmp_path, target=upstream)
        with running(make_server(recorder, "127.0.0.1", 0)) as base:
            status, body = send(base, QUERY)
    assert status == 200 and API_KEY in body.decode()  # the client still gets the real answer
    assert_no_secret_on_disk(tmp_path)
    case = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert case["expected"]["headers"]["set-cookie"] == "REDACTED"
    assert case["event"]["queryStringParameters"]["pregnant"] == "1"


def test_scrubber_finds_secret_looking_variables_only():
    scrubber = Scrubber({"MY_API_KEYS": "first-key-1,second-key-2", "HOME": "/root-home", "DB_PASSWORD": "short"})
    assert scrubber.text("a first-key-1 b second-key-2 c /root-home") == (
        "a REDACTED:MY_API_KEYS b REDACTED:MY_API_KEYS c /root-home"
    )
    assert scrubber.text("short") == "short"  # under 6 characters: too common to replace in text
