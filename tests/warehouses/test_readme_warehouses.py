"""The README's warehouse section works as written: its SQL names real models with their arity and types, and
gcloud parses its commands (offline, as ``tests/deploy/test_readme_commands.py`` checks the deploy section)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from core.prediction.registry import model_specs
from handlers.aws_events.redshift import model_and_output
from tests.deploy.test_readme_commands import _gcloud_commands, _run_gcloud

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Models as SQL functions"
VALUES = {
    "PROJECT_ID": "my-project-123",
    "IMAGE": "us-central1-docker.pkg.dev/my-project-123/serverless-ml/serverless-ml:build-1",
    "CONNECTION_SA": "bqcx-123456789012-abcd@gcp-sa-bigquery-condel.iam.gserviceaccount.com",
}
INTEGER_TYPES = {"INT64", "INT", "INTEGER"}
NUMBER_TYPES = {"FLOAT64", "FLOAT", "FLOAT8"}


def _section() -> str:
    return (ROOT / "README.md").read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]


def _blocks(language: str) -> list[str]:
    return [b.replace("\\\n", " ") for b in re.findall(rf"```{language}\n(.*?)```", _section(), re.S)]


def _functions() -> list[tuple[str, list[str], str, str]]:
    """(name, argument types, return type, what follows) of each CREATE ... FUNCTION of the SQL blocks."""
    found = []
    pattern = r"CREATE (?:OR REPLACE )?(?:SECURE )?(?:EXTERNAL )?FUNCTION\s+(\S+?)\((.*?)\)\s*RETURNS (\w+)(.*?);"
    for block in _blocks("sql"):
        for name, args, returns, rest in re.findall(pattern, block, re.S):
            types = [arg.split()[-1].upper() for arg in args.split(",")]
            found.append((name.strip("`").rsplit(".", 1)[-1], types, returns.upper(), rest))
    return found


def _model_of(name: str, rest: str) -> tuple[str, str]:
    """The model and the output a function of the README calls, as the adapter reads its endpoint or name."""
    endpoint = re.search(r"/(bigquery|snowflake)/([\w-]+)(\?output=probability)?'", rest)
    if endpoint is None:
        return model_and_output(f"public.{name}")
    probability = "probability" in rest
    return endpoint.group(2), "probability" if probability else "label"


def test_the_section_creates_a_function_per_engine_and_output() -> None:
    rests = " ".join(rest for *_, rest in _functions())
    assert "REMOTE WITH CONNECTION" in rests and "API_INTEGRATION" in rests and "LAMBDA '" in rests
    # Snowflake's route keeps the API key: each of its functions sends one
    assert all("'x-api-key'" in rest for *_, rest in _functions() if "/snowflake/" in rest)
    assert len(_functions()) >= 6


@pytest.mark.parametrize("function", _functions(), ids=lambda f: f[0])
def test_each_function_names_a_model_with_its_features_types_and_answer(
    function: tuple[str, list[str], str, str],
) -> None:
    name, types, returns, rest = function
    model, output = _model_of(name, rest)
    spec = model_specs()[model]
    assert name.lower().endswith(model.replace("-", "_")) and ("proba" in name) == (output == "probability")
    assert len(types) == len(spec.features)
    for feature, sql_type in zip(spec.features, types, strict=True):
        allowed = NUMBER_TYPES if feature.kind == "number" else INTEGER_TYPES
        assert sql_type in allowed, f"{name}: {feature.name} ({feature.kind}) declared {sql_type}"
    if output == "probability":
        assert returns in NUMBER_TYPES | {"VARIANT"}
    else:
        assert returns in ({"STRING", "VARCHAR", "VARIANT"} if spec.is_classifier else NUMBER_TYPES | {"VARIANT"})


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("gcloud") is None, reason="the Google Cloud CLI is not installed")
def test_gcloud_parses_every_command_of_the_section(tmp_path: Path) -> None:
    expand = lambda word: re.sub(r"\$\{?(\w+)\}?", lambda m: VALUES[m.group(1)], word)  # noqa: E731
    commands = [
        [expand(w) for w in c] for block in _blocks("sh") for line in block.splitlines() for c in _gcloud_commands(line)
    ]
    assert len(commands) >= 3
    for command in commands:
        result = _run_gcloud(command, tmp_path / str(len(command)))
        parsed = result.returncode == 0 or "active account" in result.stderr
        assert parsed, f"gcloud {shlex.join(command)}\n-> {result.returncode}: {result.stderr[-600:]}"
