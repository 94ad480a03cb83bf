"""Every platform, offline: ``python -m emulator {invoke,replay,parity,record,serve,corpus}`` over the real adapters.

Modules: ``platforms/`` (one class per platform, behind the ``platforms.base.Platform`` Protocol: its
event or request, its front door's rules, its answer; ``platforms/__init__`` is the table), ``messages``
(neutral HTTP), ``context`` (the Lambda context), ``cases`` and ``compare`` (the corpus format),
``replay``, ``parity``, ``record`` with ``scrub``, ``serve`` with ``slsconfig``, ``corpus`` with
``corpus_requests`` (regenerating the corpus).
"""
