"""Scoring through real stores on 127.0.0.1 (moto's S3 server, the Cloud Storage emulator), and what a failure leaves.

Every fault ends in one of two states: a complete output with its manifest, or no manifest and a raised
failure. Never a manifest that claims rows the output does not hold.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any, BinaryIO

import pytest

from core.errors import UpstreamError, UpstreamRateLimitedError
from core.scoring.job import ScoreRequest, score
from core.scoring.shards import Shard
from core.scoring.storage import ObjectInfo, Sink, Storage
from handlers.storage import storage_for
from tests.scoring.conftest import diabetes_csv


def _bucket(client: Any, kind: str) -> str:
    name = f"scoring-{uuid.uuid4().hex[:12]}"
    if kind == "s3":
        client.create_bucket(Bucket=name)
    else:
        client.create_bucket(name)
    return name


def _put(client: Any, kind: str, bucket: str, key: str, body: bytes) -> None:
    if kind == "s3":
        client.put_object(Bucket=bucket, Key=key, Body=body)
    else:
        client.bucket(bucket).blob(key).upload_from_string(body)


def _get(client: Any, kind: str, bucket: str, key: str) -> bytes | None:
    try:
        if kind == "s3":
            return bytes(client.get_object(Bucket=bucket, Key=key)["Body"].read())
        blob = client.bucket(bucket).get_blob(key)
        return None if blob is None else bytes(blob.download_as_bytes())
    except Exception as exc:
        if "NoSuchKey" in str(exc) or "404" in str(exc):
            return None
        raise


@pytest.fixture(params=["s3", "gs"])
def store(request: pytest.FixtureRequest) -> tuple[str, Any, str]:
    """(scheme, client, bucket) for each real store."""
    kind = request.param
    client = request.getfixturevalue("s3" if kind == "s3" else "gcs")
    return kind, client, _bucket(client, kind)


def test_an_object_is_scored_to_the_same_bytes_as_the_same_file_on_disk(store, tmp_path) -> None:
    kind, client, bucket = store
    body = diabetes_csv(3000)
    _put(client, kind, bucket, "incoming/diabetes/in.csv", body)
    manifest = score(
        ScoreRequest("diabetes", f"{kind}://{bucket}/incoming/diabetes/in.csv", f"{kind}://{bucket}/scored/out.csv"),
        storage_for,
    )
    (tmp_path / "in.csv").write_bytes(body)
    score(ScoreRequest("diabetes", str(tmp_path / "in.csv"), str(tmp_path / "out.csv")), storage_for)
    stored = _get(client, kind, bucket, "scored/out.csv")
    assert stored == (tmp_path / "out.csv").read_bytes()
    assert manifest["output"]["sha256"] == hashlib.sha256(stored).hexdigest()
    assert manifest["input"]["size"] == len(body) and manifest["input"]["etag"]
    assert json.loads(_get(client, kind, bucket, "scored/out.csv.manifest.json") or b"") == manifest


def test_shards_read_byte_ranges_of_an_object(store) -> None:
    kind, client, bucket = store
    body = diabetes_csv(1000, seed=3)
    _put(client, kind, bucket, "in.csv", body)
    whole = score(ScoreRequest("diabetes", f"{kind}://{bucket}/in.csv", f"{kind}://{bucket}/whole.csv"), storage_for)
    rows = b""
    for i in range(4):
        score(ScoreRequest("diabetes", f"{kind}://{bucket}/in.csv", f"{kind}://{bucket}/p/", Shard(i, 4)), storage_for)
        part = _get(client, kind, bucket, f"p/{Shard(i, 4).part_name('csv')}") or b""
        rows += part.split(b"\n", 1)[1]
    assert rows == (_get(client, kind, bucket, "whole.csv") or b"").split(b"\n", 1)[1]
    assert whole["rows"]["scored"] == 1000


def test_an_output_larger_than_one_upload_part_is_committed_whole(store, monkeypatch) -> None:
    kind, client, bucket = store
    from handlers.storage import gcs, s3

    monkeypatch.setattr(s3, "PART_BYTES", 5 << 20)  # S3's smallest part
    monkeypatch.setattr(gcs, "CHUNK_BYTES", 256 << 10)  # Cloud Storage's smallest chunk
    body = diabetes_csv(150_000, seed=5)  # about 6 MB in, 12 MB out: several parts or chunks
    _put(client, kind, bucket, "big.csv", body)
    manifest = score(ScoreRequest("diabetes", f"{kind}://{bucket}/big.csv", f"{kind}://{bucket}/o.csv"), storage_for)
    stored = _get(client, kind, bucket, "o.csv") or b""
    assert stored.count(b"\n") == 150_001
    assert hashlib.sha256(stored).hexdigest() == manifest["output"]["sha256"]


def test_a_missing_input_is_a_permanent_failure_with_an_error_manifest(store) -> None:
    kind, client, bucket = store
    from core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        score(ScoreRequest("diabetes", f"{kind}://{bucket}/nope.csv", f"{kind}://{bucket}/o.csv"), storage_for)
    manifest = json.loads(_get(client, kind, bucket, "o.csv.manifest.json") or b"")
    assert manifest["status"] == "failed" and manifest["error"]["field"] == "input"


# --- fault injection: a store that fails where told, around the real one -------------------------------


class _Faulty:
    """The real store, with one fault: a read cut after ``cut`` bytes, a failing write, or no manifest (a crash)."""

    def __init__(self, real: Storage, fault: str) -> None:
        self.real, self.fault = real, fault

    def stat(self, uri: str) -> ObjectInfo:
        return self.real.stat(uri)

    def open(self, uri: str, start: int = 0) -> BinaryIO:
        stream = self.real.open(uri, start)
        return _Cut(stream) if self.fault == "read" else stream  # type: ignore[return-value]

    def create(self, uri: str) -> Sink:
        if self.fault == "crash" and uri.endswith(".manifest.json"):
            raise SystemExit("the process died before the manifest")
        sink = self.real.create(uri)
        return _FailingSink(sink) if self.fault == "write" and not uri.endswith(".manifest.json") else sink

    def delete(self, uri: str) -> None:
        self.real.delete(uri)


class _Cut:
    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.left = stream, 50_000

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            raise UpstreamError("reading failed mid-stream: connection reset")
        data = self.stream.read(min(size, self.left) if size > 0 else self.left)
        self.left -= len(data)
        return data

    def __enter__(self) -> _Cut:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()


class _FailingSink:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def write(self, data: bytes) -> None:
        raise UpstreamError("the store refused the write (503)")

    def commit(self) -> None:
        self.sink.commit()

    def abort(self) -> None:
        self.sink.abort()


def _faulty(fault: str) -> Callable[[str], Storage]:
    return lambda uri: _Faulty(storage_for(uri), fault)


@pytest.mark.parametrize(
    ("fault", "raised"), [("read", UpstreamError), ("write", UpstreamError), ("crash", SystemExit)]
)
def test_a_fault_leaves_no_manifest_and_a_rerun_completes(store, fault: str, raised: type[BaseException]) -> None:
    kind, client, bucket = store
    _put(client, kind, bucket, "in.csv", diabetes_csv(5000))
    request = ScoreRequest("diabetes", f"{kind}://{bucket}/in.csv", f"{kind}://{bucket}/o.csv")
    score(request, storage_for)  # an earlier complete run: its manifest must not survive a failed rerun
    with pytest.raises(raised):
        score(request, _faulty(fault))
    assert _get(client, kind, bucket, "o.csv.manifest.json") is None
    manifest = score(request, storage_for)
    stored = _get(client, kind, bucket, "o.csv") or b""
    assert manifest["rows"]["scored"] == 5000 == stored.count(b"\n") - 1
    assert hashlib.sha256(stored).hexdigest() == manifest["output"]["sha256"]


def test_s3_throttling_after_retries_is_a_transient_failure_without_a_manifest(s3, monkeypatch) -> None:
    from botocore.awsrequest import AWSResponse

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    bucket = _bucket(s3, "s3")
    s3.put_object(Bucket=bucket, Key="in.csv", Body=diabetes_csv(10))
    adapter = storage_for(f"s3://{bucket}/in.csv")
    calls = []

    def slow_down(request: Any, **_: Any) -> AWSResponse:
        calls.append(request.url)
        body = b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
        return AWSResponse(request.url, 503, {}, _Raw(body))

    events = adapter._client.meta.events  # the adapter's own client: its retries and its error mapping
    events.register("before-send.s3.GetObject", slow_down)
    try:
        with pytest.raises(UpstreamRateLimitedError):
            score(ScoreRequest("diabetes", f"s3://{bucket}/in.csv", f"s3://{bucket}/o.csv"), storage_for)
    finally:
        events.unregister("before-send.s3.GetObject", slow_down)
    assert len(calls) == 2  # retried (AWS_MAX_ATTEMPTS) before giving up
    assert _get(s3, "s3", bucket, "o.csv.manifest.json") is None


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body
