"""The README's deploy commands work as written: gcloud parses each one, and each curl call sends what it must.

Offline: gcloud runs with an empty configuration and no account, so a command it parses stops at "no active
account" (exit 1) while an unknown command or flag stops at parsing (exit 2) first; the curl calls go to a
server on 127.0.0.1 that records the headers it receives.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("## Deploy and run each platform", "## Score data where it lives")
"""The README's sections whose commands are checked: the deploys, and the scoring paths (drops, queues, jobs)."""
VALUES = {
    "PROJECT_ID": "my-project-123",
    "PROJECT_NUMBER": "123456789012",
    "RUNTIME_SA": "123456789012-compute@developer.gserviceaccount.com",
    "BUILD_SA": "123456789012-compute@developer.gserviceaccount.com",
    "secret": "serverless-ml-api-keys",  # pragma: allowlist secret
    "API_KEY": "key-for-the-test",  # pragma: allowlist secret
    "X_BEARER_TOKEN": "unused",
    "BUCKET": "my-scoring-bucket",
    "URL": "https://serverless-ml-abcdefghij-uc.a.run.app",
    "IMAGE": "us-central1-docker.pkg.dev/my-project-123/serverless-ml/serverless-ml:build-1",
}
"""What the README's shell variables hold when a command is checked; a variable not listed here fails the test."""
INTERACTIVE = {("auth", "login")}
"""Commands that open a browser: only their flags would be checked, and they have none here."""
QUERY = "/predict_data?pregnant=1&glucose=3&pressure=1"


def _blocks() -> list[str]:
    """The sections' ``sh`` blocks, each with its continuation lines joined."""
    readme = (ROOT / "README.md").read_text()
    text = "".join(readme.split(section, 1)[1].split("\n## ", 1)[0] for section in SECTIONS)
    return [block.replace("\\\n", " ") for block in re.findall(r"```sh\n(.*?)```", text, re.S)]


def _scan(text: str, start: int, stop: str) -> int:
    """Index of the first ``stop`` character at or after ``start`` outside quotes and nested ``( )``."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char in stop and depth == 0 and (char != "#" or i == 0 or text[i - 1].isspace()):
            return i
    return len(text)


def _gcloud_commands(line: str) -> Iterator[list[str]]:
    """Each gcloud command of one line of shell as its words: at the top, and inside ``$( )`` (also behind a
    ``#``, where the README shows an alternative), up to the first ``|``, ``;``, ``&&`` or comment."""
    for match in re.finditer(r"\$\(", line):
        inner = line[match.end() : _scan(line, match.end(), ")")]
        yield from _gcloud_commands(inner)
    top = re.sub(r"\$\(", "", line)  # substitutions were read above; what is left of them is harmless
    top = top[: _scan(top, 0, "#")]
    while "gcloud" in top:
        end = _scan(top, 0, "|;&")
        words = shlex.split(top[:end])
        while words and ("=" in words[0] and not words[0].startswith("-") or words[0] in {"do", "then"}):
            words = words[1:]  # an assignment or a keyword before the command
        if words[:1] == ["gcloud"]:
            yield words[1:]
        top = top[end + 1 :]


def _expand(word: str) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: VALUES[m.group(1)], word)


def _commands() -> list[list[str]]:
    found = [
        [_expand(w) for w in c] for block in _blocks() for line in block.splitlines() for c in _gcloud_commands(line)
    ]
    return [c for c in found if tuple(c[:2]) not in INTERACTIVE]


def _run_gcloud(args: list[str], config: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(config),
        "CLOUDSDK_CONFIG": str(config),
        "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
        "CLOUDSDK_CORE_PROJECT": VALUES["PROJECT_ID"],  # what `gcloud config set project` sets
        "CLOUDSDK_CORE_CHECK_GCE_METADATA": "false",
        "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "1",
        "GCE_METADATA_HOST": "127.0.0.1:9",
        "GCE_METADATA_IP": "127.0.0.1:9",
    }
    return subprocess.run(
        ["gcloud", *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_the_section_has_the_set_up_the_roles_and_a_call_per_platform() -> None:
    commands = [" ".join(c[:3]) for c in _commands()]
    assert "config set project" in commands
    assert any(c.startswith("services enable") for c in commands)
    enabled = next(c for c in _commands() if c[:2] == ["services", "enable"])
    apis = {"run", "cloudfunctions", "cloudbuild", "artifactregistry", "secretmanager", "eventarc", "pubsub"}
    assert apis <= {api.removesuffix(".googleapis.com") for api in enabled[2:]}
    assert any(c[:3] == ["run", "jobs", "deploy"] for c in _commands())
    assert any(c[:3] == ["run", "jobs", "execute"] and any(w.startswith("--args=") for w in c) for c in _commands())
    roles = {w.removeprefix("--role=") for c in _commands() for w in c if w.startswith("--role=")}
    assert {"roles/run.admin", "roles/iam.serviceAccountUser", "roles/artifactregistry.writer"} <= roles
    assert "roles/secretmanager.secretAccessor" in roles


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("gcloud") is None, reason="the Google Cloud CLI is not installed")
def test_gcloud_parses_every_command_of_the_sections(tmp_path: Path) -> None:
    commands = _commands()
    assert len(commands) >= 10
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lambda c: _run_gcloud(c, tmp_path / str(id(c))), commands))
    for command, result in zip(commands, done, strict=True):
        parsed = result.returncode == 0 or "active account" in result.stderr
        assert parsed, f"gcloud {shlex.join(command)}\n-> {result.returncode}: {result.stderr[-600:]}"


class _Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict[str, str]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    seen: list[tuple[str, dict[str, str]]] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    httpd = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", seen
    httpd.shutdown()
    httpd.server_close()


def _curl(marker: str) -> str:
    """The README's curl command that contains ``marker``, as one line of shell."""
    lines = [line.strip() for block in _blocks() for line in block.splitlines() if line.strip().startswith("curl ")]
    return next(line for line in lines if marker in line)


def _run_shell(command: str, env: dict[str, str]) -> None:
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=30, check=False)
    assert done.returncode == 0, done.stderr


def test_the_google_call_sends_an_id_token_and_the_api_key(
    server: tuple[str, list[tuple[str, dict[str, str]]]], tmp_path: Path
) -> None:
    url, seen = server
    fake = tmp_path / "gcloud"  # prints an ID token as `gcloud auth print-identity-token` does
    fake.write_text('#!/bin/sh\n[ "$1 $2" = "auth print-identity-token" ] && echo id-token-for-the-test\n')
    fake.chmod(0o755)
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "URL": url, "API_KEY": VALUES["API_KEY"]}
    _run_shell(_curl("print-identity-token"), env)
    [(path, headers)] = seen
    assert path == QUERY
    assert headers["authorization"] == "Bearer id-token-for-the-test"
    assert headers["x-api-key"] == VALUES["API_KEY"]


@pytest.mark.parametrize("session_token", ["session-token-for-the-test", ""], ids=["temporary", "long-term"])
def test_the_aws_call_is_signed_for_execute_api_with_the_environments_credentials(
    server: tuple[str, list[tuple[str, dict[str, str]]]], session_token: str
) -> None:
    url, seen = server
    env = {
        "PATH": os.environ["PATH"],
        "URL": url,
        "API_KEY": VALUES["API_KEY"],
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret-for-the-test",  # pragma: allowlist secret
        "AWS_SESSION_TOKEN": session_token,
    }
    _run_shell(_curl("--aws-sigv4"), env)
    [(path, headers)] = seen
    assert path == QUERY and headers["x-api-key"] == VALUES["API_KEY"]
    signed = re.fullmatch(
        r"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/(\d{8})/us-east-1/execute-api/aws4_request, "
        r"SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}",
        headers["authorization"],
    )
    assert signed, headers["authorization"]
    assert headers["x-amz-date"].startswith(signed.group(1))
    signed_headers = set(signed.group(2).split(";"))
    assert {"host", "x-amz-date"} <= signed_headers
    if session_token:
        assert headers["x-amz-security-token"] == session_token and "x-amz-security-token" in signed_headers
    else:
        assert "x-amz-security-token" not in headers
    assert "secret-for-the-test" not in str(headers)
