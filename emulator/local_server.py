"""Runs one of the emulator's local HTTP servers (``record``, ``serve``) until Ctrl-C, then frees its port."""

from __future__ import annotations

import http.server


def serve_until_interrupted(server: http.server.HTTPServer) -> int:
    """Serve until interrupted; the exit status of a command that was stopped on purpose is 0."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
