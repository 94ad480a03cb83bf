"""``python -m bench.soak``: the command; ``--record`` writes its figures into docs/benchmarks.md."""

from __future__ import annotations

import argparse
import shutil
import sys

from bench.servers import ROOT
from bench.soak import __doc__ as DOC_TEXT
from bench.soak.run import soak
from bench.soak.verdict import report
from bench.splice import splice

DOC = ROOT / "docs" / "benchmarks.md"
START = "<!-- soak:start (written by `make soak`; edit bench/soak/ instead) -->"
END = "<!-- soak:end -->"


def record(text: str, command: str) -> None:
    """Write the figures into the soak's own block of docs/benchmarks.md, with the command that took them."""
    note = (
        "The mix cycles through every route with good and bad inputs, and a few requests without a key or with "
        "a wrong one (the 401s); the tweet charts are in it, so the tail latency is theirs: the connections "
        "share one interpreter, and a drawing of tens of milliseconds waits its turn behind the others."
    )
    splice(DOC, START, END, f"## Soak\n\n`{command}`\n\n{text}\n\n{note}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=(DOC_TEXT or "").split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds of the same load before RSS is read")
    parser.add_argument("--max-growth", type=float, default=10.0, help="percent of RSS growth that fails")
    parser.add_argument("--record", action="store_true", help=f"write the figures into {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: `make soak` installs it (apt-get install wrk)", file=sys.stderr)
        return 2
    result = soak(args.duration, args.connections, args.threads, args.warmup)
    text = report(result, args.warmup, args.connections, args.max_growth)
    print(text)
    if args.record:
        record(text, f"python -m bench.soak {' '.join(argv if argv is not None else sys.argv[1:])}".strip())
    return 1 if result.failed(args.max_growth) else 0


if __name__ == "__main__":
    sys.exit(main())
