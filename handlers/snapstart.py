"""Lambda SnapStart's after-restore hooks, for what a restored snapshot may hold stale (secrets, the models' aliases).

``snapshot_restore_py`` exists only in Lambda's Python runtime; anywhere else registering does nothing.
"""

from __future__ import annotations

from collections.abc import Callable


def after_restore(hook: Callable[[], object]) -> None:
    """Run ``hook`` after each SnapStart restore, before the first invocation it serves."""
    try:
        from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found]
    except ImportError:
        return
    register_after_restore(hook)
