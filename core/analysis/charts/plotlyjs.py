"""plotly.js as the installed plotly package ships it, read once, for the service to serve beside its HTML charts.

Inlining plotly.js (4.8 MB) in every chart would push a Lambda response, base64-encoded, past its 6 MB
limit; the charts load it from the service instead (``GET /static/<file_name()>``), or from a CDN when
``PLOTLY_JS_URL`` says so. The file name carries plotly.js's version, so browsers may cache it for a
year; the gzip form (1.5 MB) is made once, on the first request for it. The package is located without
importing it (importing plotly is for drawing, not for serving a file).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import re
import threading
from dataclasses import dataclass
from pathlib import Path

_VERSION = re.compile(rb"plotly\.js v([0-9][0-9A-Za-z.+-]*)")


@dataclass(frozen=True)
class Script:
    """The bytes to send, as they are and gzipped, with a strong ETag over the plain bytes."""

    body: bytes
    gzipped: bytes
    etag: str


def script_path() -> Path:
    """``plotly/package_data/plotly.min.js`` in the installed plotly package."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


@functools.cache
def version() -> str:
    """plotly.js's version, read from the file's licence header (e.g. ``4.1.1``)."""
    with script_path().open("rb") as handle:
        found = _VERSION.search(handle.read(512))
    return found.group(1).decode() if found else "unknown"


def file_name() -> str:
    """The versioned name the service serves plotly.js under (e.g. ``plotly-4.1.1.min.js``)."""
    return f"plotly-{version()}.min.js"


_loading = threading.Lock()


def script() -> Script:
    """The file's bytes, read and gzipped once per process (by one thread: the others wait for it)."""
    with _loading:
        return _read()


@functools.cache
def _read() -> Script:
    body = script_path().read_bytes()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return Script(body=body, gzipped=gzip.compress(body, compresslevel=6, mtime=0), etag=etag)
