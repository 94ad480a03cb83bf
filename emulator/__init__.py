"""Every platform, offline: ``python -m emulator {invoke,replay,parity,record,serve}`` over the real adapters.

Modules: ``messages`` (neutral HTTP), ``events`` (AWS event shapes), ``context`` (the Lambda context),
``invokers`` (one per platform), ``gateways`` (what each front door does with an answer), ``platforms``
(the registry), ``cases`` and ``compare`` (the corpus format), ``replay``, ``parity``, ``record`` with
``scrub``, ``serve`` with ``slsconfig``.
"""
