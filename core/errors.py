"""Every error the core raises on purpose, as one tree; statuses are mapped once, in ``handlers.errors``.

The core knows nothing of HTTP: an adapter catches ``CoreError`` and asks ``handlers.errors`` for the
status. Each error names the input ``field`` it is about (when there is one) so that a client can fix
the request without reading a traceback.

* CoreError
  * InvalidInputError (also ValueError)  a field is missing, unknown, non-numeric, not finite, out of type
    * MalformedBodyError                 the body is not valid JSON or CSV
    * UnsupportedMediaTypeError          the body's content type is not one the route reads
    * EmptyInputError                    a batch with no rows
  * LimitExceededError                   a configured limit: rows per batch, body size, users, ``n``
  * NotFoundError                        something named in the request does not exist
    * UnknownModelError                  no model by that name
    * UnknownVersionError                the model has no version by that name (a pinned request, a promote)
    * UnknownAccountError                no such account, or no tweets for it
  * ConflictError                      the change would overwrite what must not change (a published version)
  * ModelUnavailableError                the artifact is missing or does not match its recorded sha256
  * SourceUnavailableError               the configured tweet file cannot be read in this deployment
  * UpstreamError                        a service we call (the X API) failed
    * UpstreamAuthError                  it rejected our credentials
    * UpstreamRateLimitedError           it asked us to slow down (carries ``retry_after``)
    * UpstreamTimeoutError               it did not answer within the deadline
  * DeadlineExceededError                the request ran out of its own time budget
  * UnauthorizedError                    the caller did not present a valid API key
"""

from __future__ import annotations


class CoreError(Exception):
    """Base of every error raised deliberately by the core.

    ``message`` is safe to show to a client: it never holds a secret, a path or a traceback.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInputError(CoreError, ValueError):
    """The request's content is wrong in a way the client can fix."""


class MalformedBodyError(InvalidInputError):
    """The body could not be parsed at all (bad JSON, ragged CSV)."""


class UnsupportedMediaTypeError(InvalidInputError):
    """The body came with a content type the route does not read."""


class EmptyInputError(InvalidInputError):
    """A batch without a single row: there is nothing to answer."""


class LimitExceededError(CoreError):
    """The request is well formed but larger than the service is configured to accept."""


class NotFoundError(CoreError):
    """The request names a thing that does not exist."""


class UnknownModelError(NotFoundError):
    """No model is registered under the requested name."""


class UnknownVersionError(NotFoundError):
    """The model exists but has no version by the requested name (pinned in a request, or given to a command)."""


class UnknownAccountError(NotFoundError):
    """The account does not exist, is suspended, or has no tweets in the source."""


class ConflictError(CoreError):
    """The request would replace something that is immutable once written (a published model version)."""


class ModelUnavailableError(CoreError):
    """The model is registered but cannot be served: its artifact is missing or was altered."""


class SourceUnavailableError(CoreError):
    """The tweet source is configured but its data cannot be read here (absent from this bundle, or malformed).

    The client's request may be fine; the message says which source, and the operator's log holds the path.
    """


class UpstreamError(CoreError):
    """A service the core depends on failed; the request itself may be fine."""


class UpstreamAuthError(UpstreamError):
    """The upstream rejected our credentials; the message names the setting to check, never its value."""


class UpstreamRateLimitedError(UpstreamError):
    """The upstream is rate limiting us; ``retry_after`` is in seconds when the upstream said."""

    def __init__(self, message: str, *, retry_after: int | None = None, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


class UpstreamTimeoutError(UpstreamError):
    """The upstream did not answer in time."""


class DeadlineExceededError(CoreError):
    """The request's own time budget ran out before the core finished."""


class UnauthorizedError(CoreError):
    """The caller presented no API key, or one that is not accepted."""
