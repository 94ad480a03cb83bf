"""Runs a real ``HTTPServer`` on a background thread for a test, and shuts it down however the test ends."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def running(server: http.server.HTTPServer) -> Iterator[str]:
    """The server's base URL while the block runs; afterwards the thread is joined and the port freed."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
