"""What each Google deployment uploads from ``data/``: what serving reads and its licences, never a training CSV.

Serving reads two files there, the Bing lexicon and the bundled tweets (the paths below come from the
code that opens them), and ships ``data/README.md`` with them for their sources and licences. The
training CSVs stay behind: ``models/`` holds what was fitted on them. Without Docker or gcloud here,
each ignore file is applied as its tool applies it: ``.dockerignore`` with moby's patternmatcher rules
(what ``docker build`` sends as the context), ``.gcloudignore`` with gitignore's (pathspec, and
gcloud's walk, which does not enter an ignored directory). The Lambda zips are checked, as built, in
``test_lambda_bundles.py``.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.analysis.tweets.lexicon import BING_PATH
from core.analysis.tweets.sources import BUNDLED_PATH
from core.paths import DATA_DIR, PROJECT_ROOT
from core.prediction.registry import model_specs

ROOT = PROJECT_ROOT
SERVED_DATA = {p.relative_to(ROOT).as_posix() for p in (BING_PATH, BUNDLED_PATH, DATA_DIR / "README.md")}
TRAINING_DATA = {f"data/{spec.dataset.file}" for spec in model_specs().values()}


def _files(under: Path = ROOT) -> Iterator[str]:
    skip = {".git", ".venv", "node_modules", ".serverless", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
    for directory, dirs, files in os.walk(under):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in files:
            yield Path(directory, name).relative_to(ROOT).as_posix()


def _patterns(name: str) -> list[str]:
    lines = (ROOT / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def _docker_regex(pattern: str) -> re.Pattern[str]:
    """moby/patternmatcher: ``**`` any depth, ``*`` and ``?`` within one path element, anchored at the root."""
    pattern = os.path.normpath(pattern).lstrip("/")
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def docker_context() -> set[str]:
    """The files ``docker build .`` sends: the last pattern matching a path or one of its parents decides."""
    rules = [(line.startswith("!"), _docker_regex(line.lstrip("!"))) for line in _patterns(".dockerignore")]
    sent = set()
    for path in _files():
        parts = path.split("/")
        candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        excluded = False
        for exception, regex in rules:
            if exception == excluded and any(regex.fullmatch(c) for c in candidates):
                excluded = not exception
        if not excluded:
            sent.add(path)
    return sent


def _gcloud_glob(parts: list[str], path: str | None) -> bool:
    """gcloud's glob: pattern parts against path elements from the right; ``**`` spans any number of them,
    a pattern starting with ``/`` is anchored at the root, and a lone ``*`` matches top-level names only."""
    if not parts:
        return True
    if path is None:
        return False
    remaining, name = os.path.split(path) if path else (None, "")
    part, rest = parts[-1], parts[:-1]
    if part == "**":
        prefixes = [""] + ["/".join(path.split("/")[: n + 1]) for n in range(len(path.split("/")))] if path else [""]
        anchored = rest if rest[:1] == [""] else ["", *rest]
        return any(_gcloud_glob(anchored, prefix) for prefix in prefixes)
    if part == "*" and not rest and remaining and len(remaining) > 1:
        return False
    return fnmatch.fnmatchcase(name, part) and _gcloud_glob(rest, remaining)


def _gcloud_included(rules: list[tuple[bool, bool, list[str]]], path: str, is_dir: bool) -> bool:
    """gcloud's FileChooser.IsIncluded: rule by rule, a directory's match passing to what it holds, and an
    ignored directory's contents staying ignored unless a later rule matching the directory re-includes them."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    state: dict[str, bool | None] = dict.fromkeys(prefixes)  # True: included, False: ignored, None: no match yet
    for negated, dir_only, pattern in rules:
        inherited: bool | None = None
        for prefix in prefixes:
            match = inherited
            if match is None and (not dir_only or prefix != path or is_dir) and _gcloud_glob(pattern, prefix):
                match = negated
            if match is not None:
                state[prefix] = match
            inherited = False if state[prefix] is False else match
    return state[path] is not False


def gcloud_upload() -> set[str]:
    """The files ``gcloud functions deploy --source .`` uploads: the walk does not enter an ignored directory."""
    rules = []
    for line in _patterns(".gcloudignore"):
        negated, line = line.startswith("!"), line.removeprefix("!")
        rules.append((negated, line.endswith("/"), line.rstrip("/").split("/")))
    sent = set()
    skip = {".git", ".venv", "node_modules", ".serverless", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
    for directory, dirs, files in os.walk(ROOT):
        base = Path(directory).relative_to(ROOT).as_posix().removeprefix(".").lstrip("/")
        within = (base + "/") if base else ""
        dirs[:] = [d for d in dirs if d not in skip and _gcloud_included(rules, within + d, is_dir=True)]
        sent |= {within + name for name in files if _gcloud_included(rules, within + name, is_dir=False)}
    return sent


@pytest.mark.parametrize("upload", [docker_context, gcloud_upload], ids=["docker", "gcloud"])
def test_only_served_data_is_uploaded(upload: object) -> None:
    assert callable(upload)
    sent = upload()
    assert {p for p in sent if p.startswith("data/")} == SERVED_DATA
    assert TRAINING_DATA and not TRAINING_DATA & sent


@pytest.mark.parametrize("upload", [docker_context, gcloud_upload], ids=["docker", "gcloud"])
def test_the_code_and_models_the_service_runs_are_uploaded(upload: object) -> None:
    assert callable(upload)
    sent = upload()
    own = {p for p in _files(ROOT / "core") if "__pycache__" not in p} | {"main.py", "requirements.txt"}
    own |= {p for p in _files(ROOT / "handlers") if "__pycache__" not in p}
    own |= {p for p in _files(ROOT / "models")}
    assert own <= sent
    assert {p.split("/")[0] for p in sent} == {"core", "handlers", "models", "data", "main.py", "requirements.txt"}
    assert not [p for p in sent if "__pycache__" in p]


def test_the_dockerfile_copies_what_the_context_holds() -> None:
    """Each COPY source from the build context exists in it after filtering (else ``docker build`` fails)."""
    sent = docker_context()
    sources = re.findall(r"^COPY (?!--from)(\S+) ", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE)
    assert sources
    for source in sources:
        assert any(p == source or p.startswith(source.rstrip("/") + "/") for p in sent), source


def test_the_rules_are_applied_as_each_tool_applies_them() -> None:
    """Where these files rely on each tool's dialect: ``*`` is top-level only in both, ``**`` any depth, and
    in gcloud a re-included directory brings back all it holds (hence ``data/*`` after ``!data/``)."""
    docker_star = _docker_regex("*")
    assert docker_star.fullmatch("data") and not docker_star.fullmatch("data/x.csv")
    assert _docker_regex("**/__pycache__").fullmatch("core/__pycache__")
    assert _docker_regex("**/__pycache__").fullmatch("__pycache__")
    assert _gcloud_glob(["*"], "data") and not _gcloud_glob(["*"], "data/x.csv")
    assert _gcloud_glob(["**", "__pycache__"], "core/a/__pycache__")
    rules = [(False, False, ["*"]), (True, True, ["data"])]
    assert _gcloud_included(rules, "data/x.csv", is_dir=False)
    assert not _gcloud_included([*rules, (False, False, ["data", "*"])], "data/x.csv", is_dir=False)
    assert not _gcloud_included(rules, "other/x.csv", is_dir=False)
