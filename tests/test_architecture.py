"""The hexagon holds: the core imports no web or cloud library, and no handler imports a heavy library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB_AND_CLOUD = {
    "fastapi",
    "starlette",
    "flask",
    "werkzeug",
    "functions_framework",
    "mangum",
    "uvicorn",
    "boto3",
    "botocore",
    "google",
    "handlers",
    "emulator",
    "a2wsgi",
}
HEAVY = ("sklearn", "scipy", "pandas", "matplotlib", "plotly", "tweepy")


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted((ROOT / "core").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_web_framework_or_cloud_sdk(path: Path) -> None:
    assert not _imported_roots(path) & WEB_AND_CLOUD


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return modules


LAYERS = {
    "core/prediction": ("core.analysis",),
    "core/analysis": ("core.prediction",),
    "core/analysis/tweets": tuple(f"core.analysis.{m}" for m in ("spec", "registry", "service", "periods", "charts")),
    "core/analysis/charts": tuple(f"core.analysis.{m}" for m in ("spec", "registry", "service", "periods", "tweets")),
}
"""Each package, and the modules it must not import: no import crosses to the other capability or runs up
a layer (tweets and charts know nothing of the analyses that use them)."""


@pytest.mark.parametrize(
    ("path", "banned"),
    [(path, banned) for folder, banned in LAYERS.items() for path in sorted((ROOT / folder).rglob("*.py"))],
    ids=lambda v: str(v.relative_to(ROOT)) if isinstance(v, Path) else "",
)
def test_no_import_crosses_a_capability_or_runs_up_a_layer(path: Path, banned: tuple[str, ...]) -> None:
    crossing = {m for m in _imported_modules(path) if any(m == b or m.startswith(b + ".") for b in banned)}
    assert not crossing


def _heavy_line(stdout: str) -> str:
    """The marker line the child printed (access logs may share its stdout)."""
    return next(line for line in stdout.splitlines() if line.startswith("HEAVY="))


HANDLER_MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts)
    for folder in ("handlers", "handlers/aws_events")
    for p in (ROOT / folder).glob("*.py")
    if p.stem != "__init__"
)
"""Every adapter module and every Lambda event kind (a kind is imported by the handler of every function)."""


@pytest.mark.parametrize("module", HANDLER_MODULES)
def test_importing_a_handler_loads_no_heavy_library(module: str) -> None:
    code = f"import sys, {module}\nprint('HEAVY=' + ','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert _heavy_line(out.stdout) == "HEAVY="


def test_a_prediction_request_loads_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from fastapi.testclient import TestClient\n"
        "from handlers.cloud_run import app\n"
        "c = TestClient(app)\n"
        "assert c.get('/predict_data?pregnant=1&glucose=3&pressure=1').status_code == 200\n"
        "assert c.post('/models/diabetes-gbm/predict', content='pregnant,glucose,pressure,triceps,insulin,mass,"
        "pedigree,age\\n6,148,72,35,0,33.6,0.627,50', headers={'content-type': 'text/csv'}).status_code == 200\n"
        f"print('HEAVY=' + ','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert _heavy_line(out.stdout) == "HEAVY="
