"""``python -m emulator {invoke,replay,parity,record,serve,corpus}``: the emulator's command line."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import orjson

from emulator.cases import gateway_config
from emulator.messages import HttpResponse
from emulator.platforms import PLATFORMS, served_gateways


def _invoke(args: argparse.Namespace) -> int:
    path = Path(args.event)
    data = orjson.loads(path.read_bytes())
    name = args.platform or (data.get("platform") if isinstance(data, dict) else None) or path.parent.name
    if name not in PLATFORMS:
        raise SystemExit(f"--platform is needed for {path} (one of {', '.join(PLATFORMS)})")
    platform = PLATFORMS[name]
    is_case = isinstance(data, dict) and platform.input_key in data
    event = data[platform.input_key] if is_case else data
    config = gateway_config(data.get("gateway") if is_case else None)
    with contextlib.redirect_stdout(sys.stderr):  # the function's own logs, apart from the answer on stdout
        raw = platform.run(event, config)
    if args.out:
        sys.stdout.write(_write_body(platform.answer(raw), Path(args.out)))
    else:
        sys.stdout.write(orjson.dumps(platform.raw_json(raw), option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0


def _write_body(response: HttpResponse, out: Path) -> str:
    """Write the decoded body (PNG bytes, not base64) to ``out``; the status and headers, as text, for stdout."""
    out.write_bytes(response.body)
    lines = [f"status: {response.status}"]
    lines += [f"{name}: {value}" for name, value in response.headers]
    lines += [f"({key}: {orjson.dumps(value).decode()})" for key, value in response.extra.items()]
    lines.append(f"body: {len(response.body)} bytes written to {out}")
    return "\n".join(lines) + "\n"


def _replay(args: argparse.Namespace) -> int:
    from emulator.replay import replay

    return replay([Path(p) for p in args.paths], update=args.update)


def _parity(args: argparse.Namespace) -> int:
    from emulator.parity import PARITY_CONFIG, parity
    from emulator.slsconfig import deployment_config

    config = deployment_config(Path(args.config)) if args.config else PARITY_CONFIG
    config = replace(config, multi_value_headers=not args.alb_single_value)
    return parity([Path(p) for p in args.paths], config)


def _record(args: argparse.Namespace) -> int:
    from emulator.record import record

    return record(args.platform, Path(args.out), args.host, args.port, target=args.target, raw=args.no_scrub)


def _serve(args: argparse.Namespace) -> int:
    from emulator.serve import serve

    types = [t.strip() for t in args.binary_media_types.split(",") if t.strip()] if args.binary_media_types else None
    return serve(args.platform, Path(args.config), args.host, args.port, stage=args.stage, binary_media_types=types)


def _corpus(args: argparse.Namespace) -> int:
    from emulator.corpus import generate

    return generate(args.only, with_analyses=not args.no_analyses, out=Path(args.out) if args.out else None)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    invoke = commands.add_parser(
        "invoke",
        help="run one event through its platform's entry point, print the answer",
        description="Run one event through its platform's entry point and print the answer as JSON, as the "
        "platform returns it (a PNG is base64 there: use --out FILE to get the image itself).",
    )
    invoke.add_argument("--platform", choices=sorted(PLATFORMS), help="default: the case file's folder")
    invoke.add_argument("--event", required=True, help="a case file (or a file holding just the event/request)")
    invoke.add_argument(
        "--out",
        metavar="FILE",
        help="write the decoded body (a PNG's bytes, not base64) to FILE and print only the status and headers",
    )
    invoke.set_defaults(run=_invoke)

    replay = commands.add_parser("replay", help="replay the corpus, compare with expectations")
    replay.add_argument("paths", nargs="*", help="case files or folders (default: tests/events)")
    replay.add_argument("--update", action="store_true", help="rewrite the expectations that do not match")
    replay.set_defaults(run=_replay)

    parity = commands.add_parser(
        "parity", help="send each plain HTTP request to every platform, compare clients' views"
    )
    parity.add_argument("paths", nargs="*", help="case files or folders whose requests to use (default: tests/events)")
    parity.add_argument("--config", help="serverless.yml to read binary media types from (default: built-in)")
    parity.add_argument(
        "--alb-single-value", action="store_true", help="ALB without multi-value headers (AWS's default; loses values)"
    )
    parity.set_defaults(run=_parity)

    record = commands.add_parser("record", help="serve HTTP and write each request and its answer as a case file")
    record.add_argument("--platform", required=True, choices=sorted(PLATFORMS))
    record.add_argument("--out", required=True, help="folder for the new case files")
    record.add_argument("--host", default="127.0.0.1")
    record.add_argument("--port", type=int, default=3001)
    record.add_argument("--target", help="proxy mode: forward to this running service (http://host:port)")
    record.add_argument("--no-scrub", action="store_true", help="keep secrets in recorded cases (never commit those)")
    record.set_defaults(run=_record)

    serve = commands.add_parser("serve", help="a local API Gateway that reads serverless.yml")
    serve.add_argument("--platform", required=True, choices=sorted(served_gateways()))
    serve.add_argument("--config", default="serverless.yml")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--stage", default="", help="REST API stage prefix in paths, e.g. dev (default: none)")
    serve.add_argument("--binary-media-types", help="REST API: comma-separated, instead of the file's (e.g. image/png)")
    serve.set_defaults(run=_serve)

    corpus = commands.add_parser("corpus", help="regenerate the recorded-event corpus from the requests it lists")
    corpus.add_argument("--only", nargs="*", default=[], help="only the cases whose name starts with these")
    corpus.add_argument("--no-analyses", action="store_true", help="skip the tweet analysis routes")
    corpus.add_argument("--out", help="write the cases under this folder instead of tests/events (to compare)")
    corpus.set_defaults(run=_corpus)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
