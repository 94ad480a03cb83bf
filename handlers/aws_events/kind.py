"""``EventKind``: what each kind of Lambda event implements, so that the handler is one loop over a table."""

from __future__ import annotations

from typing import Any, Protocol


class EventKind(Protocol):
    """One kind of Lambda event (HTTP, a direct invocation, S3, SQS, ...): how to recognise it and answer it.

    Mangum's shape for event sources (one class per source, with ``infer``), one level up: a Mangum
    handler turns an event into an HTTP request, an ``EventKind`` turns an event into an answer.
    """

    @property
    def name(self) -> str:
        """The kind's name in ``LAMBDA_EVENT_KINDS`` and in its access lines (``http``, ``direct``)."""
        ...

    @property
    def answers(self) -> str:
        """What a function serving this kind answers, in the words of the refusal of anything else."""
        ...

    def prepare(self) -> None:
        """Build at INIT what answering needs (SnapStart snapshots it); called only where the kind is served."""
        ...

    def matches(self, event: Any, context: Any) -> bool:
        """Whether ``event`` is of this kind; any JSON value may arrive, so check its type first."""
        ...

    def handle(self, event: Any, context: Any) -> Any:
        """The answer Lambda returns to the caller; a ``CoreError`` raised becomes the one error body."""
        ...
