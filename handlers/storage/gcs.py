"""The Cloud Storage store (``gs://bucket/name``) through google-cloud-storage; ``STORAGE_EMULATOR_HOST`` redirects it.

Reads stream a blob in chunks from an offset (``blob.open("rb")``); writes are resumable uploads
finalized on commit and cancelled otherwise, so an object appears whole or not at all. A missing object
is permanent; throttling (429), 5xx and connection failures are transient.
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO, NoReturn, cast

from google.api_core import exceptions as api
from google.cloud import storage
from google.cloud.storage.retry import DEFAULT_RETRY

from core.errors import (
    CoreError,
    InvalidInputError,
    NotFoundError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamRateLimitedError,
)
from core.scoring.storage import ObjectInfo, Sink
from handlers.storage.streams import SdkStream

CHUNK_BYTES = 8 << 20
"""Bytes per download request and per resumable-upload chunk (a multiple of 256 KiB, as uploads need)."""


def split_uri(uri: str) -> tuple[str, str]:
    """``gs://bucket/name`` as (bucket, name); ``InvalidInputError`` when either is missing."""
    bucket, _, name = uri.removeprefix("gs://").partition("/")
    if not bucket or not name:
        raise InvalidInputError(f"{uri!r} is not gs://bucket/name", field="uri")
    return bucket, name


def storage_error(exc: BaseException, uri: str) -> CoreError:
    """The core error for a Cloud Storage failure on ``uri``: missing and denied are permanent, the rest transient."""
    if isinstance(exc, api.NotFound):
        return NotFoundError(f"{uri} does not exist", field="input")
    if isinstance(exc, api.TooManyRequests):
        return UpstreamRateLimitedError(f"Cloud Storage is throttling requests for {uri}; retry later")
    if isinstance(exc, api.Forbidden | api.Unauthorized):
        return UpstreamAuthError(f"Cloud Storage refused access to {uri}: check the service account's roles")
    return UpstreamError(f"Cloud Storage failed on {uri}: {type(exc).__name__}")


_FAILURES = (api.GoogleAPIError, OSError)
"""What the client raises: API errors, and requests' connection errors (which are ``OSError``s)."""


def _raise(exc: Exception, uri: str) -> NoReturn:
    raise storage_error(exc, uri) from exc


class GcsStream(SdkStream):
    """A blob read from an offset; a failure mid-stream is a core error (transient, but for a blob gone)."""

    def __init__(self, reader: Any, uri: str) -> None:
        super().__init__(reader, uri, _FAILURES, storage_error)


class GcsSink:
    """A resumable upload: ``close`` finalizes it (commit), ``terminate`` cancels it (abort)."""

    def __init__(self, blob: Any, uri: str, retry: Any) -> None:
        self._uri = uri
        self._writer = blob.open("wb", chunk_size=CHUNK_BYTES, ignore_flush=True, retry=retry)

    def write(self, data: bytes) -> None:
        try:
            self._writer.write(data)
        except _FAILURES as exc:
            _raise(exc, self._uri)

    def commit(self) -> None:
        try:
            self._writer.close()
        except _FAILURES as exc:
            _raise(exc, self._uri)

    def abort(self) -> None:
        try:
            self._writer.terminate()
        except _FAILURES:  # an unfinished resumable upload expires on its own; the failure is raised already
            pass


class GcsStorage:
    """Objects in Cloud Storage (or the emulator ``STORAGE_EMULATOR_HOST`` names)."""

    def __init__(self, client: Any, retry: Any = DEFAULT_RETRY, timeout: float | None = None) -> None:
        self._client, self._retry = client, retry
        self._timeout = {} if timeout is None else {"timeout": timeout}  # per request; the library's 60 s otherwise

    def _blob(self, uri: str) -> Any:
        bucket, name = split_uri(uri)
        return self._client.bucket(bucket).blob(name)

    def stat(self, uri: str) -> ObjectInfo:
        bucket, name = split_uri(uri)
        try:
            blob = self._client.bucket(bucket).get_blob(name, retry=self._retry, **self._timeout)
        except _FAILURES as exc:
            _raise(exc, uri)
        if blob is None:
            raise NotFoundError(f"{uri} does not exist", field="input")
        return ObjectInfo(int(blob.size or 0), str(blob.generation or blob.etag or ""))

    def open(self, uri: str, start: int = 0) -> BinaryIO:
        try:
            reader = self._blob(uri).open("rb", chunk_size=CHUNK_BYTES, retry=self._retry, **self._timeout)
            if start:
                reader.seek(start)
        except _FAILURES as exc:
            _raise(exc, uri)
        return cast(BinaryIO, GcsStream(reader, uri))

    def create(self, uri: str) -> Sink:
        return GcsSink(self._blob(uri), uri, self._retry)

    def delete(self, uri: str) -> None:
        try:
            self._blob(uri).delete(retry=self._retry, **self._timeout)
        except api.NotFound:
            return
        except _FAILURES as exc:
            _raise(exc, uri)

    def list(self, prefix: str) -> list[str]:
        """Every object under ``prefix`` (a folder; the whole bucket for none), as ``gs://`` URIs, sorted."""
        bucket, _, name = prefix.removeprefix("gs://").partition("/")
        name = name.strip("/") + "/" if name.strip("/") else ""
        try:
            blobs = self._client.list_blobs(bucket, prefix=name, retry=self._retry, **self._timeout)
            return sorted(f"gs://{bucket}/{blob.name}" for blob in blobs)
        except _FAILURES as exc:
            _raise(exc, prefix)


def make_storage(timeout: float | None = None) -> GcsStorage:
    """A client whose retries of throttling, 5xx and lost connections give up after ``STORAGE_RETRY_SECONDS``
    (default 120, the library's own), so a store out of reach ends as a transient failure within the budget.
    With ``timeout``: each request waits at most that long, and the retries give up after twice it."""
    if timeout is not None:
        return GcsStorage(storage.Client(), DEFAULT_RETRY.with_timeout(2 * timeout), timeout)
    seconds = float(os.environ.get("STORAGE_RETRY_SECONDS", "") or 120)
    return GcsStorage(storage.Client(), DEFAULT_RETRY.with_timeout(seconds))
