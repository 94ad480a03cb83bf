"""The deploy configs' security settings that checkov cannot see or judge: the cost guard on every platform, a role
that reads one secret, and access logs that join the service's own lines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from handlers.middleware.access_log import request_id

ROOT = Path(__file__).resolve().parents[2]
CONFIG: dict[str, Any] = yaml.safe_load((ROOT / "serverless.yml").read_text())
CLOUDBUILD: dict[str, Any] = yaml.safe_load((ROOT / "cloudbuild.yaml").read_text())


def test_every_function_has_a_reserved_concurrency_that_a_parameter_sets() -> None:
    default = CONFIG["params"]["default"]["reservedConcurrency"]
    assert isinstance(default, int) and 1 <= default <= 100
    for name, function in CONFIG["functions"].items():
        assert function.get("reservedConcurrency") == "${param:reservedConcurrency}", name


def test_cloud_run_and_cloud_functions_cap_their_instances() -> None:
    deploy = next(step for step in CLOUDBUILD["steps"] if step["id"] == "deploy")
    assert any(re.fullmatch(r"--max-instances=\d+", arg) for arg in deploy["args"])
    readme = (ROOT / "README.md").read_text().replace("\\\n", " ")  # continuation lines joined
    functions = re.findall(r"^gcloud functions deploy .*$", readme, flags=re.MULTILINE)
    assert functions and all(re.search(r" --max-instances=\d+", line) for line in functions), functions


def test_the_functions_may_read_their_own_secret_and_nothing_else_of_the_store() -> None:
    statements = CONFIG["provider"]["iam"]["role"]["statements"]
    reads = [s for s in statements if "secretsmanager" in json.dumps(s["Action"])]
    assert len(reads) == 1 and reads[0]["Action"] == "secretsmanager:GetSecretValue"
    arn = "".join(part if isinstance(part, str) else "" for part in reads[0]["Resource"]["Fn::Join"][1])
    assert arn.endswith(":secret:${param:secret}-??????"), arn  # this stage's secret, not a wildcard
    assert CONFIG["provider"]["environment"]["SECRETS_MANAGER_SECRET_ID"] == "${param:secret}"


def test_the_deployment_bucket_blocks_public_access_and_keeps_versions() -> None:
    bucket = CONFIG["provider"]["deploymentBucket"]
    assert bucket["blockPublicAccess"] is True and bucket["versioning"] is True


def test_every_bucket_an_event_reads_is_declared_private_and_versioned() -> None:
    """An ``s3`` event naming a bucket that is not under ``provider.s3`` makes osls create it with no guard."""
    declared = CONFIG["provider"].get("s3", {})
    named = {e["s3"]["bucket"] for f in CONFIG["functions"].values() for e in f.get("events", []) if "s3" in e}
    assert named and named <= set(declared), named - set(declared)
    for key in named:
        bucket = declared[key]
        assert bucket["publicAccessBlockConfiguration"] == dict.fromkeys(
            ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
        ), key
        assert bucket["versioningConfiguration"] == {"Status": "Enabled"}, key


def test_redshift_may_invoke_the_alias_its_sql_names_the_one_snapstart_applies_to() -> None:
    permission = CONFIG["resources"]["Resources"]["RedshiftInvokePermission"]["Properties"]
    assert permission["FunctionName"] == {"Ref": "PredictSnapStartLambdaAlias"}  # osls names the alias "snapstart"
    assert CONFIG["functions"]["predict"]["snapStart"] is True
    sql = re.findall(r"^LAMBDA '([^']+)'$", (ROOT / "README.md").read_text(), flags=re.MULTILINE)
    assert sql and all(name.endswith("-predict:snapstart") for name in sql), sql


def test_both_apis_log_json_lines_that_join_the_service_lines_on_the_request_id() -> None:
    logs = CONFIG["provider"]["logs"]
    assert logs["restApi"]["accessLogging"] is True and logs["restApi"]["executionLogging"] is False
    for api in ("httpApi", "restApi"):
        line = json.loads(logs[api]["format"])  # valid JSON once API Gateway fills the quoted variables
        # The Lambda invocation's id: what the service's own line calls request_id on Lambda.
        assert line["request_id"] == "$context.integration.requestId", api
        assert not any("sourceIp" in value or "userAgent" in value for value in line.values()), api
    context = type("Context", (), {"aws_request_id": "0f6a-lambda-invocation"})()
    assert request_id({"aws.context": context, "headers": []}, None) == "0f6a-lambda-invocation"
