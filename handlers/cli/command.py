"""What every command module offers: its name, its help, its arguments, and how to run it."""

from __future__ import annotations

import argparse
from typing import Protocol


class Command(Protocol):
    """One ``serverless-ml`` command (``models list``, ``score``, ...)."""

    name: str
    """The words that invoke it, e.g. ``("models", "list")``: a group word, then the command."""

    help: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int:
        """Do the command; return the exit status. A ``CoreError`` may be raised: ``main`` reports it."""
        ...
