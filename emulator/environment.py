"""The process environment put back as it was: for code that writes into ``os.environ`` for a while.

functions-framework's ``create_app`` sets ``FUNCTION_TARGET`` and friends; the benchmarks point the storage
adapters at a local server. Either must leave the environment as it found it, variables it lacked included.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def preserved(*names: str) -> Iterator[None]:
    """Each of ``names`` restored on exit to its value on entry, or removed if it had none."""
    saved = {name: os.environ.get(name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
