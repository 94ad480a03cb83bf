"""Swagger UI's files as the installed ``swagger-ui-bundle-v2`` package ships them, for ``/docs`` to load offline.

FastAPI's own ``/docs`` page loads Swagger UI from a CDN, so it is blank without the internet. The
service serves the three files the page needs itself (``GET /static/<name>``, beside plotly.js), each
read and gzipped once, on its first request. The package (Apache-2.0: swagger-ui-dist's files unchanged,
with their licence) is located without importing it.

It is installed where ``/static/`` is served: the Google deployments and the Lambda tweets function.
The Lambda prediction function, which answers ``/docs``, has no room for it (its bundle's budget is
60 MB) and so cannot know Swagger UI's version: its page loads the unversioned names (cached a day,
revalidated by ETag), which API Gateway routes to the tweets function. Where the package is installed,
the page loads the versioned names, cached for a year like plotly.js.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "swagger_ui_bundle"
"""The import name of PyPI's ``swagger-ui-bundle-v2`` (pinned in requirements.in)."""

FILES = {
    "swagger-ui.css": ("swagger-ui.css", "text/css; charset=utf-8"),
    "swagger-ui-bundle.js": ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    "swagger-ui-favicon.png": ("favicon-32x32.png", "image/png"),
}
"""What ``/docs`` loads (the stylesheet, the script with its standalone preset, the tab icon): the name it is
served under without a version -> the file in the package and its media type."""


@dataclass(frozen=True)
class Asset:
    """A file's bytes, as they are and gzipped, with a strong ETag over the plain bytes."""

    body: bytes
    gzipped: bytes
    etag: str
    media_type: str


@functools.cache
def directory() -> Path | None:
    """``swagger_ui_bundle/vendor/swagger-ui-<version>/``, or None when the package is not installed."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    vendor = Path(next(iter(spec.submodule_search_locations))) / "vendor"
    found = sorted(vendor.glob("swagger-ui-*/swagger-ui-bundle.js"))
    return found[-1].parent if found else None


def version() -> str | None:
    """Swagger UI's version (``5.31.0``), or None when the package is not installed."""
    found = directory()
    return found.name.removeprefix("swagger-ui-") if found else None


def versioned(name: str) -> str:
    """``swagger-ui-bundle.js`` -> ``swagger-ui-bundle-5.31.0.js``; the name itself when the version is unknown."""
    stem, _, extension = name.rpartition(".")
    found = version()
    return f"{stem}-{found}.{extension}" if found else name


def served_names() -> dict[str, str]:
    """Every name served -> the unversioned name of ``FILES`` it stands for; empty without the package."""
    if directory() is None:
        return {}
    return {served: name for name in FILES for served in (name, versioned(name))}


_loading = threading.Lock()


def asset(name: str) -> Asset:
    """The file of ``FILES`` called ``name`` (unversioned), read and gzipped once per process."""
    with _loading:
        return _read(name)


@functools.cache
def _read(name: str) -> Asset:
    found = directory()
    if found is None:
        raise FileNotFoundError(f"the {PACKAGE} package is not installed")
    file, media_type = FILES[name]
    body = (found / file).read_bytes()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return Asset(body, gzip.compress(body, compresslevel=6, mtime=0), etag, media_type)
