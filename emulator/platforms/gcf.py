"""``gcf``: Cloud Functions, the HTTP target ``app`` in ``main.py``, served by functions-framework's own app.

The request goes through ``functions_framework.create_app(target="app", source="main.py")``, the app
``functions-framework --target=app`` serves, so its Flask rules (``/static/<path>``, ``/robots.txt``,
``/favicon.ico``) apply as in the cloud. ``EMULATOR_GCF_SOURCE`` points at another source file.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from emulator.environment import preserved
from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms.http_apps import PlainHttp, drive

ROOT = Path(__file__).resolve().parents[2]
GCF_SOURCE = ROOT / "main.py"
"""functions-framework's ``--source``: the repository's ``main.py``."""
GCF_HTTP_TARGET = "app"


@functools.cache
def functions_framework_app(target: str, source: str) -> Any:
    """The app functions-framework serves for ``--target`` and ``--source``, built once per process."""
    import functions_framework

    with preserved("FUNCTION_TARGET", "FUNCTION_SIGNATURE_TYPE", "FUNCTION_SOURCE"):
        return functions_framework.create_app(target=target, source=source)  # type: ignore[no-untyped-call]


class Gcf(PlainHttp):
    name = "gcf"
    description = "Cloud Functions HTTP target app (functions-framework)"

    def serve(self, request: HttpRequest) -> HttpResponse:
        source = os.environ.get("EMULATOR_GCF_SOURCE") or str(GCF_SOURCE)
        return drive(functions_framework_app(GCF_HTTP_TARGET, source), request)
