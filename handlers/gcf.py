"""Google Cloud Functions: the one FastAPI app as an HTTP function, bridged from Flask by a2wsgi in the serving process.

functions-framework imports ``main.py`` (which re-exports ``app`` from here) in gunicorn's master
process and then forks the worker that serves; a thread started before the fork does not exist in the
worker. So the start-up (``handlers.bootstrap``, the same as every platform's) builds at import only
what holds no thread (the settings, the app, the loaded models, which the fork then shares) and runs
the warm-ups that start threads in the worker, after the fork. a2wsgi's bridge runs the app's event
loop in a thread of its own, so it too is built in the process that serves, on its first request.

The function hands the request's WSGI environment to the app unchanged (method, path, query, headers,
body), so every route answers exactly as on Cloud Run; ``docs/adapters.md`` records why this bridge
was chosen over functions-framework's ASGI mode, with the measurements.
"""

from __future__ import annotations

import io
import threading
from typing import Any, cast

from a2wsgi import ASGIMiddleware
from a2wsgi.asgi_typing import ASGIApp
from werkzeug.wrappers import Request, Response

from handlers import bootstrap

SETTINGS = bootstrap.start(bootstrap.CLOUD_FUNCTIONS)
asgi_app = bootstrap.build_app(SETTINGS)
_bridge: ASGIMiddleware | None = None
_bridge_lock = threading.Lock()


def _wsgi_bridge() -> ASGIMiddleware:
    """The a2wsgi bridge of this process, built on first use (see the module docstring)."""
    global _bridge
    if _bridge is None:
        with _bridge_lock:
            if _bridge is None:
                _bridge = ASGIMiddleware(cast(ASGIApp, asgi_app))  # Starlette's and a2wsgi's ASGI types differ
    return _bridge


def _environ(request: Request) -> dict[str, object]:
    """The request's WSGI environment, its body read and declared with its exact length.

    a2wsgi reads exactly ``CONTENT_LENGTH`` bytes and waits for more if the stream ends early, which a
    chunked request (no length; werkzeug then hands out an empty stream) or a client gone mid-body would
    cause. Flask reads the body as the platform delivered it (Cloud Functions caps it at 32 MB), and the
    app applies its own ``MAX_BODY_BYTES`` to the declared length, as on every platform.
    """
    body = request.get_data()
    environ: dict[str, object] = dict(request.environ)
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def app(request: Request) -> Response:
    """The HTTP function (target ``app``): every route of the service, as the FastAPI app answers it."""
    bootstrap.start_in_serving_process()  # the warm-ups that start threads, if no fork ran them (the dev server)
    bridge: Any = _wsgi_bridge()  # a2wsgi's and typeshed's WSGI types differ in name only
    return Response.from_app(bridge, _environ(request), buffered=True)


def claim_framework_routes() -> None:
    """Send the paths functions-framework's Flask app answers itself to ``app`` too, as on every other platform.

    The Flask app that functions-framework builds keeps Flask's ``/static/<path:filename>`` rule (which
    would answer 404 for ``/static/plotly-....min.js``) and answers ``/robots.txt`` and ``/favicon.ico``
    with an HTML 404 of its own. A ``before_request`` hook (Flask's public API) hands those requests to
    ``app`` before either view runs. ``main.py`` calls this while functions-framework imports it,
    inside that app's context; anywhere else (a plain ``import main``) there is nothing to do.
    """
    import flask

    if not flask.has_app_context():
        return

    def serve_framework_routes() -> Response | None:
        rule = flask.request.url_rule
        return app(flask.request) if rule is not None and rule.endpoint in FRAMEWORK_ENDPOINTS else None

    flask.current_app.before_request(serve_framework_routes)


FRAMEWORK_ENDPOINTS = ("static", "error")
"""functions-framework's Flask app: Flask's static-file rule, and the 404 it gives robots.txt and favicon.ico."""
