"""Replay: run every case through its platform's real entry point and compare the answer with the case's expectation.

One line per case, a summary, and a non-zero exit status on any mismatch, so CI can run it. With
``update`` the expectation of every case that does not match (or has none) is rewritten from the new
answer, keeping the case's normalizers: a deliberate change of behaviour becomes a reviewable diff.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.cases import Case, load_cases
from emulator.compare import expectation, mismatches
from emulator.messages import HttpResponse


@dataclass
class CaseResult:
    case: Case
    seconds: float
    problems: list[str] = field(default_factory=list)
    updated: bool = False
    output: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems or self.updated


def run_case(case: Case) -> tuple[Any, HttpResponse]:
    """The platform's raw answer for the case's input, and the response replay compares."""
    raw = case.platform.run(case.input, case.gateway)
    return raw, case.platform.answer(raw)


def check_case(case: Case, update: bool = False) -> CaseResult:
    """Run one case; what the service printed (access log, warnings) is kept in ``output``, shown on failure only."""
    start = time.perf_counter()
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            _, response = run_case(case)
    except Exception as exc:  # noqa: BLE001 - one broken case is reported and the replay goes on
        return CaseResult(case, time.perf_counter() - start, [f"{type(exc).__name__}: {exc}"], output=output.getvalue())
    seconds = time.perf_counter() - start
    expected = case.expected
    problems = mismatches(expected, response) if expected is not None else ["no expectation"]
    if problems and update:
        normalize = list(expected.get("normalize", [])) if expected else None
        case.data["expected"] = expectation(response, normalize or None)
        case.save()
        return CaseResult(case, seconds, problems, updated=True, output=output.getvalue())
    return CaseResult(case, seconds, problems, output=output.getvalue())


def replay(paths: Iterable[Path] | None = None, update: bool = False, out: Callable[[str], None] = print) -> int:
    """Run the cases under ``paths`` (default: the whole corpus); 0 when every one matches."""
    start = time.perf_counter()
    results = []
    for case in load_cases(paths):
        result = check_case(case, update)
        results.append(result)
        mark = "updated" if result.updated else "ok" if result.ok else "FAIL"
        out(f"{mark:7} {case.name}  {result.seconds * 1000:.1f} ms")
        for line in result.problems + result.output.splitlines() if not result.ok else []:
            out(f"        {line}")
    failed = sum(not r.ok for r in results)
    updated = sum(r.updated for r in results)
    note = f", {updated} updated" if updated else ""
    out(f"replayed {len(results)} cases in {time.perf_counter() - start:.2f} s{note}")
    out(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0
