"""Gives every request a time budget and answers 504 JSON when it runs out, before the platform kills it.

The budget is ``REQUEST_TIMEOUT_SECONDS`` (30 s by default: set it below the platform's own timeout,
Cloud Run's ``--timeout`` or the function's, so the client gets our JSON error and not the platform's
bare one). On Lambda it is also capped by the invocation's remaining time less a safety margin, read
from the context Mangum puts in ``scope["aws.context"]``. The absolute deadline (a ``time.monotonic()``
instant) is left in ``request.state.deadline`` for routes that pass it on, e.g. to a tweet source.

Cancellation reaches the app at its next ``await``: code that blocks the event loop, or work already
handed to a thread, runs on until it finishes; the client has had its 504 by then.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import DeadlineExceededError
from handlers.errors import core_error_body, status_for
from handlers.responses import JSONBytesResponse

LAMBDA_SAFETY_MARGIN_SECONDS = 0.5
"""Left to Mangum and the Lambda runtime to encode and return the 504 before the invocation is killed."""


def budget_seconds(scope: Scope, setting: float) -> float:
    """The request's budget: the setting, capped on Lambda by the remaining time less the margin."""
    return invocation_budget(scope.get("aws.context"), setting)


def invocation_budget(context: Any, setting: float) -> float:
    """The setting, capped by a Lambda context's remaining time less the margin (any other context: the setting).

    Shared with the Lambda invocations that do not pass through the app (``handlers.aws_events.guard``).
    """
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return setting
    return min(setting, float(remaining()) / 1000 - LAMBDA_SAFETY_MARGIN_SECONDS)


def deadline_error(budget: float) -> DeadlineExceededError:
    """The one error a spent budget gives, over HTTP and in a direct invocation alike."""
    return DeadlineExceededError(f"the request did not finish within its deadline of {max(budget, 0):.3g} s")


class DeadlineMiddleware:
    """Cancels the app when the budget is spent and, if nothing was sent yet, answers 504."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        budget = budget_seconds(scope, self.seconds)
        scope.setdefault("state", {})["deadline"] = time.monotonic() + budget
        if budget <= 0:  # a Lambda invocation that arrives with less than the margin left
            await _answer_504(scope, receive, send, budget)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            async with asyncio.timeout(budget) as timeout:
                await self.app(scope, receive, tracking_send)
        except TimeoutError:
            if started or not timeout.expired():
                raise  # half a response is out (nothing honest can follow), or the app's own TimeoutError
            await _answer_504(scope, receive, send, budget)


async def _answer_504(scope: Scope, receive: Receive, send: Send, budget: float) -> None:
    error = deadline_error(budget)
    await JSONBytesResponse(core_error_body(error), status_code=status_for(error))(scope, receive, send)
