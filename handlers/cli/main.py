"""``serverless-ml COMMAND ...``: builds the parser from the command table and reports errors in one line.

Adding a command is one module with a ``COMMAND`` object (see ``handlers.cli.command.Command``) and
one line in ``COMMANDS``. Command modules are imported only when their command runs, so ``--help``
and a quick command never pay for pandas or scikit-learn.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from core import __version__
from core.errors import CoreError
from handlers.cli.command import Command

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("models list", "handlers.cli.models_list", "list the models served from a models directory or a store"),
    ("models import", "handlers.cli.models_import", "serve a fitted estimator you trust (unpickles the file)"),
    ("models publish", "handlers.cli.models_publish", "publish a model's artifact to a store as a new version"),
    ("models promote", "handlers.cli.models_promote", "point an alias (prod, ...) at a published version"),
    ("models rollback", "handlers.cli.models_rollback", "point an alias back at its previous version"),
    ("score", "handlers.cli.score", "score a table (path, s3://, gs://) with a model"),
)
"""(the words that invoke it, its module, its one-line help), in the order ``--help`` lists them."""


def _overview() -> argparse.ArgumentParser:
    """The parser of ``--help``, ``--version`` and mistakes: every command's words and help, none of its arguments."""
    parser = argparse.ArgumentParser(prog="serverless-ml", description="Serve and score models written once in Python.")
    parser.add_argument("--version", action="version", version=f"serverless-ml {__version__}")
    top = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}
    for words, _module, help_text in COMMANDS:
        *group, last = words.split()
        subparsers = top
        if group:
            if group[0] not in groups:
                group_parser = top.add_parser(group[0], help=f"{group[0]} commands")
                groups[group[0]] = group_parser.add_subparsers(dest="subcommand", metavar="COMMAND", required=True)
            subparsers = groups[group[0]]
        subparsers.add_parser(last, help=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command ``argv`` names; a ``CoreError`` becomes ``serverless-ml NAME: error (field): ...``, status 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    for words, module, _help in COMMANDS:
        count = len(words.split())
        if args[:count] == words.split():
            command: Command = importlib.import_module(module).COMMAND
            parser = argparse.ArgumentParser(prog=f"serverless-ml {words}", description=command.help)
            command.add_arguments(parser)
            options = parser.parse_args(args[count:])
            try:
                return command.run(options)
            except BrokenPipeError:  # `serverless-ml models list | head`: the reader left, which is no error
                sys.stdout = open(os.devnull, "w")
                return 0
            except CoreError as exc:
                field = f" ({exc.field})" if exc.field else ""
                print(f"serverless-ml {words}: error{field}: {exc.message}", file=sys.stderr)
                return 2
    _overview().parse_args(args)  # --help, --version, or an unknown command: argparse says so and exits
    return 2


if __name__ == "__main__":
    sys.exit(main())
