"""checkov, run as a security reviewer would, on every deploy file it reads: no failed check, every skip says why.

The CloudFormation template is the one ``deploy/lambda_package.py`` generates (``osls package``, offline), the
build test_lambda_bundles.py also uses: ``package()`` returns at once when nothing it reads changed since.
checkov comes from its own venv (``make checkov-deps``, pinned by ``requirements/checkov.lock``) and runs with
``--skip-download``, so nothing reaches the network. A finding that does not apply is skipped where it
arises, with a one-line reason (``checkov:skip=CKV_...: why``, or ``Metadata.checkov.skip`` on a generated
resource through serverless.yml's ``resources.extensions``), and listed in SECURITY.md.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy import lambda_package

pytestmark = pytest.mark.slow  # the template comes from a real `serverless package` unless it is up to date

ROOT = Path(__file__).resolve().parents[2]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
TEMPLATE = lambda_package.TEMPLATE
FILES = {
    TEMPLATE: "cloudformation",
    ROOT / "serverless.yml": "serverless",
    ROOT / "Dockerfile": "dockerfile",
    ROOT / "cloudbuild.yaml": None,  # no checkov framework reads Cloud Build files (yet): scanned so one would count
}
"""Every deploy file, and the framework that must have found resources in it (None: none reads it)."""
ASYNCHRONOUS_EVENTS = {"s3", "sns", "eventBridge", "schedule", "cloudwatchEvent", "cloudwatchLog", "iot", "alexaSkill"}
"""Event sources that invoke a function asynchronously: a failed event is retried twice, then dropped."""
QUEUE_EVENTS = {"sqs", "stream", "kafka", "msk", "activemq", "rabbitmq"}


@pytest.fixture(scope="module")
def reports() -> list[dict[str, Any]]:
    assert CHECKOV.exists(), "checkov is not installed: run make checkov-deps"
    python = lambda_package.find_python312()
    assert python, "CPython 3.12 (Lambda's runtime) is needed to generate the template: pyenv install 3.12"
    lambda_package.package(python)
    command = [str(CHECKOV), "--skip-download", "--output", "json", "--compact"]
    for path in FILES:
        command += ["--file", str(path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode in (0, 1), result.stderr[-3000:]  # 1: some check failed, reported below
    found = json.loads(result.stdout)
    return found if isinstance(found, list) else [found]


def _checks(reports: list[dict[str, Any]], outcome: str) -> list[dict[str, Any]]:
    return [check for report in reports for check in report.get("results", {}).get(f"{outcome}_checks", [])]


def test_checkov_reads_the_generated_template_the_serverless_config_and_the_dockerfile(
    reports: list[dict[str, Any]],
) -> None:
    scanned = {report["check_type"]: report["summary"] for report in reports if "check_type" in report}
    for framework in filter(None, FILES.values()):
        assert framework in scanned, f"checkov found nothing to check as {framework}: {sorted(scanned)}"
        assert scanned[framework]["passed"] + scanned[framework]["failed"] + scanned[framework]["skipped"] > 0
        assert scanned[framework]["parsing_errors"] == 0, framework
    assert scanned["cloudformation"]["resource_count"] >= 10  # the functions, their APIs, roles and log groups


def test_no_check_fails_unless_skipped_in_place(reports: list[dict[str, Any]]) -> None:
    failed = sorted(
        f"{c['check_id']} {c['check_name']}: {c['resource']} ({Path(c['file_path']).name})"
        for c in _checks(reports, "failed")
    )
    assert not failed, (
        "fix these, or skip one that does not apply beside its resource with a one-line reason "
        "(checkov:skip=CKV_...: why) and add it to SECURITY.md's table:\n" + "\n".join(failed)
    )


def test_every_skip_says_why(reports: list[dict[str, Any]]) -> None:
    skipped = _checks(reports, "skipped")
    assert skipped, "the template skips the checks that do not apply (VPC, KMS for logs...): none were read"
    for check in skipped:
        reason = (check.get("check_result", {}).get("suppress_comment") or "").strip()
        assert len(reason) >= 20 and reason != "No comment provided", (check["check_id"], check["resource"], reason)


def test_every_skipped_check_is_in_the_security_table(reports: list[dict[str, Any]]) -> None:
    table = (ROOT / "SECURITY.md").read_text()
    for check_id in sorted({check["check_id"] for check in _checks(reports, "skipped")}):
        assert re.search(rf"^\| `{check_id}` ", table, flags=re.MULTILINE), f"SECURITY.md's table lacks {check_id}"


def _queue_has_redrive(arn: Any, resources: dict[str, Any]) -> bool:
    """Whether an event's queue is declared in this stack with a dead-letter queue (``RedrivePolicy``)."""
    if isinstance(arn, dict) and "Fn::GetAtt" in arn:
        queue = resources.get(arn["Fn::GetAtt"][0], {})
        return "RedrivePolicy" in queue.get("Properties", {})
    return False


def test_every_asynchronous_or_queue_driven_function_keeps_the_events_it_cannot_handle() -> None:
    """An S3, SNS or EventBridge event that fails three times is dropped, an SQS message is retried until it
    expires: each such function names an on-failure destination (or a dead-letter queue), and each queue it
    reads has its own dead-letter queue, so no event is lost without a trace (checkov CKV_AWS_116)."""
    config = yaml.safe_load((ROOT / "serverless.yml").read_text())
    resources = (config.get("resources") or {}).get("Resources") or {}
    for name, function in config["functions"].items():
        kinds = {kind for event in function.get("events", []) for kind in event}
        if kinds & ASYNCHRONOUS_EVENTS:
            destinations = function.get("destinations") or {}
            assert destinations.get("onFailure") or function.get("onError"), (
                f"function {name} is invoked asynchronously ({', '.join(sorted(kinds & ASYNCHRONOUS_EVENTS))}): "
                "give it destinations.onFailure (an SQS queue or SNS topic) or onError"
            )
        for event in function.get("events", []):
            for kind in set(event) & QUEUE_EVENTS:
                spec = event[kind]
                arn = spec.get("arn") if isinstance(spec, dict) else spec
                if kind == "sqs":
                    assert _queue_has_redrive(arn, resources), (
                        f"function {name} reads an SQS queue: declare it under resources with a RedrivePolicy "
                        "(a dead-letter queue), so a message that keeps failing is kept, not retried until it expires"
                    )
                else:
                    assert isinstance(spec, dict) and spec.get("destinations", {}).get("onFailure"), (
                        f"function {name} reads a {kind}: give the event destinations.onFailure"
                    )
