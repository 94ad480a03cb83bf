"""The S3 store (``s3://bucket/key``) through boto3, which Lambda's runtime provides and ``AWS_ENDPOINT_URL`` redirects.

Reads are ranged GETs streamed as they are read; writes are multipart uploads completed on commit and
aborted otherwise, so an object appears whole or not at all. boto3's errors become core errors here:
a missing object is permanent (``NotFoundError``); throttling, timeouts and 5xx are transient.
"""

from __future__ import annotations

from typing import Any, BinaryIO, NoReturn, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from core.errors import (
    CoreError,
    InvalidInputError,
    NotFoundError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamRateLimitedError,
)
from core.scoring.storage import ObjectInfo, Sink
from handlers.storage.streams import SdkStream, empty_stream

PART_BYTES = 8 << 20
"""Multipart part size: S3 needs at least 5 MiB for every part but the last."""

_THROTTLED = {"SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests", "503"}
_MISSING = {"NoSuchKey", "NoSuchBucket", "404", "NotFound"}
_DENIED = {"AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken"}


def split_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` as (bucket, key); ``InvalidInputError`` when either is missing."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not bucket or not key:
        raise InvalidInputError(f"{uri!r} is not s3://bucket/key", field="uri")
    return bucket, key


def storage_error(exc: Exception, uri: str) -> CoreError:
    """The core error for a boto3 failure on ``uri``: missing and denied are permanent, the rest transient."""
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in _MISSING:
            return NotFoundError(f"{uri} does not exist", field="input")
        if code in _THROTTLED:
            return UpstreamRateLimitedError(f"S3 is throttling requests for {uri} ({code}); retry later")
        if code in _DENIED:
            return UpstreamAuthError(f"S3 refused access to {uri} ({code}): check the function's role")
        return UpstreamError(f"S3 failed on {uri}: {code or exc}")
    return UpstreamError(f"S3 could not be reached for {uri}: {type(exc).__name__}")


def _raise(exc: Exception, uri: str) -> NoReturn:
    raise storage_error(exc, uri) from exc


def _mid_stream(exc: BaseException, uri: str) -> CoreError:
    """Any failure once the body flows (a cut connection, a timeout) is transient: the object was there."""
    return UpstreamError(f"reading {uri} failed mid-stream: {type(exc).__name__}")


class S3Stream(SdkStream):
    """An object's body from a ranged GET; a connection cut mid-stream is a transient ``UpstreamError``."""

    def __init__(self, body: Any, uri: str) -> None:
        super().__init__(body, uri, (BotoCoreError, ClientError, OSError), _mid_stream)


class S3Sink:
    """A multipart upload: parts of ``PART_BYTES`` as data comes, completed on commit (one PUT if small)."""

    def __init__(self, client: Any, uri: str) -> None:
        self._client, self._uri = client, uri
        self._bucket, self._key = split_uri(uri)
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= PART_BYTES:
            self._send(bytes(self._buffer[:PART_BYTES]))
            del self._buffer[:PART_BYTES]

    def _send(self, part: bytes) -> None:
        try:
            if self._upload_id is None:
                started = self._client.create_multipart_upload(Bucket=self._bucket, Key=self._key)
                self._upload_id = str(started["UploadId"])
            number = len(self._parts) + 1
            sent = self._client.upload_part(
                Bucket=self._bucket, Key=self._key, UploadId=self._upload_id, PartNumber=number, Body=part
            )
            self._parts.append({"PartNumber": number, "ETag": sent["ETag"]})
        except (BotoCoreError, ClientError) as exc:
            _raise(exc, self._uri)

    def commit(self) -> None:
        try:
            if self._upload_id is None:
                self._client.put_object(Bucket=self._bucket, Key=self._key, Body=bytes(self._buffer))
                return
            if self._buffer:
                self._send(bytes(self._buffer))
                self._buffer.clear()
            self._client.complete_multipart_upload(
                Bucket=self._bucket, Key=self._key, UploadId=self._upload_id, MultipartUpload={"Parts": self._parts}
            )
        except (BotoCoreError, ClientError) as exc:
            _raise(exc, self._uri)

    def abort(self) -> None:
        self._buffer.clear()
        if self._upload_id is not None:
            try:
                self._client.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id)
            except (BotoCoreError, ClientError):  # a lifecycle rule reaps what is left; the failure is raised already
                pass


class S3Storage:
    """Objects in S3 (or any endpoint ``AWS_ENDPOINT_URL`` names, such as moto's server in the tests)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def stat(self, uri: str) -> ObjectInfo:
        bucket, key = split_uri(uri)
        try:
            head = self._client.head_object(Bucket=bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            _raise(exc, uri)
        return ObjectInfo(int(head["ContentLength"]), str(head.get("ETag", "")).strip('"'))

    def open(self, uri: str, start: int = 0) -> BinaryIO:
        bucket, key = split_uri(uri)
        extra = {"Range": f"bytes={start}-"} if start else {}
        try:
            body = self._client.get_object(Bucket=bucket, Key=key, **extra)["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "InvalidRange":  # start at or past the end: no bytes
                return cast(BinaryIO, empty_stream(uri))
            _raise(exc, uri)
        except BotoCoreError as exc:
            _raise(exc, uri)
        return cast(BinaryIO, S3Stream(body, uri))

    def create(self, uri: str) -> Sink:
        return S3Sink(self._client, uri)

    def delete(self, uri: str) -> None:
        bucket, key = split_uri(uri)
        try:
            self._client.delete_object(Bucket=bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            _raise(exc, uri)

    def list(self, prefix: str) -> list[str]:
        """Every object under ``prefix`` (a folder; the whole bucket for none), as ``s3://`` URIs, sorted."""
        bucket, _, key = prefix.removeprefix("s3://").partition("/")
        key = key.strip("/") + "/" if key.strip("/") else ""
        uris: list[str] = []
        try:
            for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key):
                uris.extend(f"s3://{bucket}/{item['Key']}" for item in page.get("Contents", []))
        except (BotoCoreError, ClientError) as exc:
            _raise(exc, prefix)
        return sorted(uris)


def make_storage(timeout: float | None = None) -> S3Storage:
    """A client with standard retries: throttling and 5xx retried with backoff before we see them (3 attempts, or
    ``AWS_MAX_ATTEMPTS``). With ``timeout``: at most that long to connect and to read, and 2 attempts."""
    if timeout is None:
        return S3Storage(boto3.client("s3", config=Config(retries={"mode": "standard"})))
    config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"mode": "standard", "max_attempts": 2})
    return S3Storage(boto3.client("s3", config=config))
