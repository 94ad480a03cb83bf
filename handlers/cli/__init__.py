"""The ``serverless-ml`` command: one more adapter, translating a command line into core calls.

Each command is one module of this package listed in ``handlers.cli.main.COMMANDS``; it adds its
arguments to the parser and returns an exit status. Like every adapter, it does no work of its own:
a core error becomes a one-line message on stderr and a non-zero status, never a traceback.
"""
