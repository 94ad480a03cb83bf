"""One stream wrapper for every SDK's download body: reads turned into core errors, closed on exit.

boto3's ``StreamingBody`` and google-cloud-storage's ``BlobReader`` differ only in what they raise and how a
failure maps to a core error, so each store names those two (``failures``, ``error``) and shares the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from core.errors import CoreError


class SdkStream:
    """An SDK's body read as a ``Readable``: a failure while reading becomes ``error(exc, uri)``, raised."""

    def __init__(
        self,
        body: Any,
        uri: str,
        failures: tuple[type[BaseException], ...],
        error: Callable[[BaseException, str], CoreError],
    ) -> None:
        self._body, self._uri, self._failures, self._error = body, uri, failures, error

    def read(self, size: int = -1, /) -> bytes:
        try:
            return cast(bytes, self._body.read(size) if size >= 0 else self._body.read())
        except self._failures as exc:
            raise self._error(exc, self._uri) from exc

    def close(self) -> None:
        self._body.close()

    def __enter__(self) -> SdkStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Nothing:
    def read(self, size: int = -1, /) -> bytes:
        return b""

    def close(self) -> None:
        return None


def empty_stream(uri: str) -> SdkStream:
    """A stream with no bytes (a read that starts at or past the object's end)."""
    return SdkStream(_Nothing(), uri, (), lambda exc, uri: CoreError(str(exc)))
