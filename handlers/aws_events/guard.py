"""What the app's middleware gives an HTTP request, for an invocation that never reaches the app.

A direct invocation (and every kind to come: S3, SQS, warehouse calls) is wrapped by ``guarded``:

* **the deadline**: the kind's work gets the budget an HTTP request gets (``REQUEST_TIMEOUT_SECONDS``,
  capped by the invocation's remaining time less a margin: ``handlers.middleware.deadline``); past it,
  the caller gets the same ``DeadlineExceededError`` body as over HTTP, before Lambda kills the
  invocation with a bare timeout. The work runs on a worker thread so that it can be left behind; like
  work an HTTP route handed to a thread, it runs on until it finishes (while the environment is not
  frozen).
* **the errors**: a ``CoreError`` the kind raises becomes the one error body, as the app's handler
  does for HTTP; anything else is logged and re-raised, so Lambda reports the invocation as failed.
* **the access line**: one JSON line per invocation, in the shape of the HTTP lines
  (``handlers.middleware.access_log``) where a field applies: kind, status (the one the same answer
  gets over HTTP) and outcome, duration, the invocation's request id, the model and version the answer
  names, the error type.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from core.errors import CoreError
from handlers.aws_events.kind import EventKind
from handlers.errors import core_error_body, status_for
from handlers.middleware.access_log import access_logger, safe_text, severity, write_line
from handlers.middleware.deadline import deadline_error, invocation_budget
from handlers.settings import Settings

logger = logging.getLogger(__name__)


def _outcome(status: int) -> str:
    return "failed" if status >= 500 else "refused" if status >= 400 else "answered"


WORKERS = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="invocation")
"""Where the kinds' work runs. A pool, not a thread per invocation: handing work to an idle thread cost
0.14 ms here, starting one 0.39 ms (on the loaded 2-core machine). Its threads start on first use, not at
INIT. Four, so that work left behind by a spent budget does not delay the next invocation's."""


def within(budget: float, work: Callable[[], Any]) -> Any:
    """``work()``'s result, or ``DeadlineExceededError`` once ``budget`` seconds have passed without one."""
    if budget <= 0:  # an invocation that arrives with less than the margin left
        raise deadline_error(budget)
    future = WORKERS.submit(work)
    done, _ = concurrent.futures.wait([future], timeout=budget)
    if not done:
        future.cancel()  # work that has not started yet never will
        raise deadline_error(budget)
    return future.result()


class Guarded:
    """``kind`` with the deadline, the error body and the access line of an HTTP request."""

    def __init__(self, kind: EventKind, settings: Settings, *, retried: bool = False) -> None:
        self.kind = kind
        self.settings = settings
        self.retried = retried
        """Whether the caller retries a failed invocation (S3's asynchronous call, an SQS batch): then an error,
        the deadline's included, is logged and raised, never answered as a body that would acknowledge the event."""
        self.logger = access_logger() if settings.access_log else None

    @property
    def name(self) -> str:
        return self.kind.name

    @property
    def answers(self) -> str:
        return self.kind.answers

    def prepare(self) -> None:
        self.kind.prepare()

    def matches(self, event: Any, context: Any) -> bool:
        return self.kind.matches(event, context)

    def handle(self, event: Any, context: Any) -> Any:
        arrived = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        status, error, answer = 500, None, None
        try:
            budget = invocation_budget(context, self.settings.request_timeout_seconds)
            answer = within(budget, lambda: self.kind.handle(event, context))
            status = 200
        except CoreError as exc:
            answer, status, error = core_error_body(exc), status_for(exc), type(exc).__name__
            if self.retried:
                raise
        except BaseException as exc:
            error = type(exc).__name__
            raise
        finally:
            try:
                self._log(context, arrived, time.perf_counter() - started, status, error, answer)
            except Exception:  # a lost log line must not cost the caller its answer
                logger.warning("access log line dropped for a %s invocation", self.kind.name, exc_info=True)
        return answer

    def _log(
        self, context: Any, arrived: dt.datetime, seconds: float, status: int, error: str | None, answer: Any
    ) -> None:
        if self.logger is None:
            return
        named = answer if isinstance(answer, dict) else {}
        entry: dict[str, Any] = {
            "time": arrived.isoformat(timespec="microseconds").replace("+00:00", "Z"),
            "severity": severity(status),
            "message": f"{self.kind.name} invocation {status} {seconds * 1000:.1f} ms",
            "request_id": safe_text(getattr(context, "aws_request_id", None), 128) or os.urandom(16).hex(),
            "kind": self.kind.name,
            "status": status,
            "outcome": _outcome(status),
            "duration_ms": round(seconds * 1000, 3),
            "model": safe_text(named.get("model"), 64),
            "version": safe_text(named.get("version"), 64),
            "error": {"type": error} if error else None,
        }
        write_line(self.logger, entry, status)


def guarded(kind: EventKind, settings: Settings, *, retried: bool = False) -> Guarded:
    """``kind`` as the table of ``handlers.aws_lambda`` lists it: every kind but HTTP is listed through this."""
    return Guarded(kind, settings, retried=retried)
