"""cloudbuild.yaml against what Cloud Build accepts: its schema, its substitution rules, and the image it deploys."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "cloudbuild.yaml"
BUILT_IN = {
    "PROJECT_ID",
    "PROJECT_NUMBER",
    "BUILD_ID",
    "LOCATION",
    "TRIGGER_NAME",
    "TRIGGER_BUILD_CONFIG_PATH",
    "SERVICE_ACCOUNT_EMAIL",
    "SERVICE_ACCOUNT",
    "COMMIT_SHA",
    "SHORT_SHA",
    "REVISION_ID",
    "REPO_NAME",
    "REPO_FULL_NAME",
    "BRANCH_NAME",
    "TAG_NAME",
    "REF_NAME",
}
"""Cloud Build's default substitutions (the commit and repository ones only in triggered builds)."""
USER_NAME = re.compile(r"_[A-Z0-9_]+")
REFERENCE = re.compile(r"\$(?:\{(?P<braced>[^}]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*)|(?P<escape>\$))")
IMAGE = re.compile(r"^(?:[a-z0-9.-]+(?::\d+)?/)?[a-z0-9._/-]+(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$")


def _config() -> dict[str, Any]:
    return yaml.safe_load(CONFIG.read_text())


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def _references(text: str) -> set[str]:
    return {m["braced"] or m["bare"] for m in REFERENCE.finditer(text) if not m["escape"]}


def _expand(text: str, values: dict[str, str]) -> str:
    for _ in range(5):  # dynamic substitutions may refer to other substitutions
        text = REFERENCE.sub(lambda m: "$" if m["escape"] else values[m["braced"] or m["bare"]], text)
    return text


def test_the_schema_cloud_build_publishes_accepts_it() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.cloudbuild", str(CONFIG)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_substitution_is_declared_well_named_and_used() -> None:
    config = _config()
    declared = set(config["substitutions"])
    assert all(USER_NAME.fullmatch(name) for name in declared), "user substitutions are _UPPER_CASE"
    used = set().union(*(_references(s) for s in _strings({k: v for k, v in config.items() if k != "substitutions"})))
    used |= set().union(*(_references(s) for s in config["substitutions"].values()))
    assert used - declared <= BUILT_IN, f"undeclared: {used - declared - BUILT_IN}"
    # Without ALLOW_LOOSE, Cloud Build refuses a build whose declared substitution is never used.
    assert declared <= used or config.get("options", {}).get("substitutionOption") == "ALLOW_LOOSE"
    if any(_references(s) for s in config["substitutions"].values()):
        assert config["options"]["dynamicSubstitutions"] is True


def test_every_step_names_an_image_and_waits_only_for_earlier_steps() -> None:
    seen: set[str] = set()
    for step in _config()["steps"]:
        assert IMAGE.match(step["name"]), step["name"]
        assert isinstance(step.get("args", []), list) and all(isinstance(a, str) for a in step.get("args", []))
        assert set(step.get("waitFor", [])) <= seen | {"-"}
        seen.add(step["id"])
    assert {"test", "build", "push", "deploy"} <= seen


def test_it_deploys_the_image_it_built_and_pushed() -> None:
    config = _config()
    values = {name: f"<{name}>" for name in BUILT_IN} | config["substitutions"]
    steps = {step["id"]: [_expand(a, values) for a in step["args"]] for step in config["steps"]}
    built = steps["build"][steps["build"].index("--tag") + 1]
    assert steps["push"] == ["push", built]
    assert f"--image={built}" in steps["deploy"]
    assert [_expand(image, values) for image in config["images"]] == [built]
    assert re.match(r"[a-z0-9-]+-docker\.pkg\.dev/<PROJECT_ID>/", built), "Artifact Registry, not Container Registry"


def test_the_deploy_sets_port_memory_secrets_and_is_private_unless_opened() -> None:
    config = _config()
    deploy = next(step for step in config["steps"] if step["id"] == "deploy")
    args = [_expand(a, config["substitutions"] | {name: f"<{name}>" for name in BUILT_IN}) for a in deploy["args"]]
    assert args[:2] == ["run", "deploy"]
    assert "--port=8080" in args and any(a.startswith("--memory=") for a in args)
    secrets = next(a for a in args if a.startswith("--set-secrets="))
    assert {pair.split("=", 1)[0] for pair in secrets.removeprefix("--set-secrets=").split(",")} == {
        "API_KEYS",
        "X_BEARER_TOKEN",
    }
    assert "--no-allow-unauthenticated" in args  # the documented switch: _ACCESS=--allow-unauthenticated
    environment = next(a for a in args if a.startswith("--set-env-vars="))
    assert "API_KEYS" not in environment and "TOKEN" not in environment  # secrets never as plain values


def test_the_job_runs_the_scoring_command_from_the_image_it_built() -> None:
    """The Cloud Run job is `serverless-ml score` on the pushed image; each execution names its table (--args)."""
    config = _config()
    values = {name: f"<{name}>" for name in BUILT_IN} | config["substitutions"]
    steps = {step["id"]: step for step in config["steps"]}
    built = _expand(steps["build"]["args"][steps["build"]["args"].index("--tag") + 1], values)
    job = [_expand(a, values) for a in steps["deploy-job"]["args"]]
    assert job[:3] == ["run", "jobs", "deploy"] and "push" in steps["deploy-job"]["waitFor"]
    assert f"--image={built}" in job
    assert "--command=python,-m,handlers.cli.main,score" in job
    tasks = next(a for a in job if a.startswith("--tasks="))
    assert int(tasks.removeprefix("--tasks=")) > 1  # the tasks are the shards: CLOUD_RUN_TASK_INDEX / _COUNT
    assert not any(a.startswith("--args=") for a in job), "the table is an execution's, not the job's"
    assert "gcloud run jobs execute" in CONFIG.read_text()  # the documented command beside the config
