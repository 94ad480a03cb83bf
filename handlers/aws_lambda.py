"""AWS Lambda entry point ``handler``: one table of event kinds, tried in order; the first that matches answers.

The kinds live in ``handlers/aws_events/``, one module each: HTTP events (API Gateway, ALB, function
URLs) through Mangum to the one app, so every route answers exactly as on Cloud Run; direct
invocations (``{"model": ..., "data": ...}``) with predictions; anything else refused with an error
that names it. A kind to come (S3, SQS, Redshift UDF calls) is one module there and one line in
``EVENT_KINDS``; the handler itself never changes. HTTP requests get the access line and the deadline
from the app's middleware, every other kind from ``guarded``.

``LAMBDA_EVENT_KINDS`` (serverless.yml, per function) names the kinds a function serves, all by default.
Everything a served kind needs is built here, at import: Lambda's INIT phase, which runs before the
first invocation is billed against its timeout and which SnapStart snapshots (the app only where HTTP is
served, so a function for other kinds never imports FastAPI). The start-up is ``handlers.bootstrap``'s,
as on every platform.
"""

from __future__ import annotations

from typing import Any

from handlers import bootstrap
from handlers.aws_events import direct, http, redshift, s3, sqs, unsupported
from handlers.aws_events.guard import guarded
from handlers.aws_events.kind import EventKind

SETTINGS = bootstrap.start(bootstrap.AWS_LAMBDA)

EVENT_KINDS: tuple[EventKind, ...] = (
    http.HttpEvents(lambda: bootstrap.build_app(SETTINGS)),
    guarded(direct.DirectInvocation(SETTINGS), SETTINGS),
    guarded(s3.S3Objects(), SETTINGS, retried=True),
    guarded(sqs.SqsMessages(), SETTINGS, retried=True),
    redshift.RedshiftUdf(guarded(redshift.RedshiftCalls(SETTINGS), SETTINGS)),
)
"""Every kind this handler knows, in the order they are tried (the refusal of the rest comes after them)."""


def served_kinds(kinds: tuple[EventKind, ...], names: tuple[str, ...] | None) -> tuple[EventKind, ...]:
    """The kinds ``names`` lists (all for ``None``), in the table's order; an unknown name stops the start."""
    known = [kind.name for kind in kinds]
    unknown = sorted(set(names or ()) - set(known))
    if unknown:
        raise ValueError(f"LAMBDA_EVENT_KINDS names unknown kinds {', '.join(unknown)}; known: {', '.join(known)}")
    return tuple(kind for kind in kinds if names is None or kind.name in names)


SERVED = served_kinds(EVENT_KINDS, SETTINGS.lambda_event_kinds)
DISPATCH: tuple[EventKind, ...] = (*SERVED, guarded(unsupported.Unsupported(SERVED, EVENT_KINDS), SETTINGS))
"""What ``handler`` tries, in order: the served kinds, then the refusal, which matches every event."""

for _kind in DISPATCH:
    _kind.prepare()


def handler(event: Any, context: Any) -> Any:
    """The function's entry point (``handlers/aws_lambda.handler`` in serverless.yml)."""
    kind = next(kind for kind in DISPATCH if kind.matches(event, context))
    return kind.handle(event, context)
