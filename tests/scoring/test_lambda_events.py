"""The batch Lambda's S3 and SQS kinds on moto's real S3 and SQS: drops scored, the guard, partial batch responses."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from core.errors import UpstreamError
from handlers import aws_lambda
from handlers.aws_events.unsupported import Unsupported
from tests.handlers.lambda_events import FakeContext
from tests.scoring.conftest import diabetes_csv


def _s3_event(bucket: str, key: str) -> dict[str, Any]:
    """An ObjectCreated notification as S3 sends it: the key URL-encoded, a space as '+'."""
    from urllib.parse import quote_plus

    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": bucket}, "object": {"key": quote_plus(key, safe="/"), "size": 1}},
    }
    return {"Records": [record]}


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"drops-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    return name


def _keys(s3: Any, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_a_drop_under_incoming_is_scored_under_scored(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="incoming/diabetes/day 1/a.csv", Body=diabetes_csv(40))
    answer = aws_lambda.handler(_s3_event(bucket, "incoming/diabetes/day 1/a.csv"), FakeContext())
    assert answer["results"][0]["status"] == "complete"
    assert _keys(s3, bucket) == [
        "incoming/diabetes/day 1/a.csv",
        "scored/diabetes/day 1/a.csv",
        "scored/diabetes/day 1/a.csv.errors.jsonl",
        "scored/diabetes/day 1/a.csv.manifest.json",
    ]


def test_the_guard_refuses_keys_outside_incoming_so_the_function_never_triggers_itself(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="scored/diabetes/a.csv", Body=diabetes_csv(5))
    answer = aws_lambda.handler(_s3_event(bucket, "scored/diabetes/a.csv"), FakeContext())
    assert answer["results"][0]["status"] == "refused"
    assert answer["results"][0]["error"]["field"] == "key"
    assert _keys(s3, bucket) == ["scored/diabetes/a.csv"]


def test_an_unknown_model_is_acknowledged_with_an_error_manifest(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="incoming/no-such-model/a.csv", Body=diabetes_csv(5))
    answer = aws_lambda.handler(_s3_event(bucket, "incoming/no-such-model/a.csv"), FakeContext())
    assert answer["results"][0]["status"] == "refused"
    manifest = json.loads(s3.get_object(Bucket=bucket, Key="scored/no-such-model/a.csv.manifest.json")["Body"].read())
    assert manifest["status"] == "failed" and manifest["error"]["field"] == "model"


def test_a_store_out_of_reach_is_raised_so_lambda_retries_the_event(s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import free_port

    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(UpstreamError):
        aws_lambda.handler(_s3_event("any-bucket", "incoming/diabetes/a.csv"), FakeContext())


def test_sqs_returns_only_the_transient_failures_and_acknowledges_the_rest(
    s3: Any, bucket: str, gcs_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    from tests.conftest import free_port

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{free_port()}")  # no server: transient
    monkeypatch.setenv("STORAGE_RETRY_SECONDS", "1")
    s3.put_object(Bucket=bucket, Key="incoming/diabetes/a.csv", Body=diabetes_csv(10))
    s3.put_object(Bucket=bucket, Key="in/b.csv", Body=diabetes_csv(10))
    sqs = boto3.client("sqs")
    queue = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    bodies = {
        "drop": json.dumps(_s3_event(bucket, "incoming/diabetes/a.csv")),
        "explicit": json.dumps(
            {"model": "diabetes", "input": f"s3://{bucket}/in/b.csv", "output": f"s3://{bucket}/o/b.csv"}
        ),
        "malformed": "{not json",
        "unknown-field": json.dumps({"model": "diabetes", "input": "x.csv", "output": "y.csv", "colour": "red"}),
        "unreachable": json.dumps({"model": "diabetes", "input": "gs://b/in.csv", "output": "gs://b/out.csv"}),
    }
    for name, body in bodies.items():
        attributes = {"case": {"DataType": "String", "StringValue": name}}
        sqs.send_message(QueueUrl=queue, MessageBody=body, MessageAttributes=attributes)
    received = []
    while len(received) < len(bodies):
        batch = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        received += batch.get("Messages", [])
    records = [
        {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"], "eventSource": "aws:sqs"}
        for m in received
    ]
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "test")
    answer = aws_lambda.handler({"Records": records}, FakeContext(remaining_ms=900_000))
    failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
    case = {m["MessageId"]: m["MessageAttributes"]["case"]["StringValue"] for m in received}
    assert {case[i] for i in failed} == {"unreachable"}
    assert "scored/diabetes/a.csv.manifest.json" in _keys(s3, bucket)
    assert "o/b.csv.manifest.json" in _keys(s3, bucket)


def test_sqs_leaves_the_messages_it_has_no_time_for(s3: Any) -> None:
    record = {"messageId": "m1", "body": json.dumps({"model": "diabetes", "input": "a.csv", "output": "b.csv"})}
    answer = aws_lambda.handler({"Records": [{**record, "eventSource": "aws:sqs"}]}, FakeContext(remaining_ms=1000))
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


@pytest.mark.parametrize("kind", ["s3", "sqs"])
def test_a_function_that_does_not_serve_the_kind_refuses_it_naming_the_setting(kind: str) -> None:
    served = aws_lambda.served_kinds(aws_lambda.EVENT_KINDS, ("http", "direct"))
    event = {"Records": [{"eventSource": f"aws:{kind}"}]}
    with pytest.raises(Exception, match=f"LAMBDA_EVENT_KINDS leaves '{kind}' out"):
        Unsupported(served, aws_lambda.EVENT_KINDS).handle(event, FakeContext())


def test_the_batch_functions_cold_path_imports_no_fastapi_and_no_boto3_until_an_event() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import sys, json\n"
        "import handlers.aws_lambda as function\n"
        "from tests.handlers.lambda_events import FakeContext\n"
        "at_init = sorted(m for m in ('fastapi', 'boto3', 'google.cloud.storage') if m in sys.modules)\n"
        "s3 = {'bucket': {'name': 'b'}, 'object': {'key': 'x.csv'}}\n"
        "event = {'Records': [{'eventSource': 'aws:s3', 's3': s3}]}\n"
        "answer = function.handler(event, FakeContext())\n"
        "print(json.dumps([at_init, answer['results'][0]['status']]))\n"
    )
    env = {**os.environ, "LAMBDA_EVENT_KINDS": "s3,sqs", "ACCESS_LOG": "off"}
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.splitlines()[-1]) == [[], "refused"]


@pytest.mark.parametrize("body", ["{not json", json.dumps({"model": "diabetes"}), json.dumps([1, 2])])
def test_a_message_that_names_no_output_is_filed_under_the_failures_uri_by_its_id(
    s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    monkeypatch.setenv("SCORING_FAILURES_URI", f"s3://{bucket}/failed/")
    records = [{"messageId": "m-1", "body": body, "eventSource": "aws:sqs"}]
    for _ in range(2):  # delivered twice: the same object, rewritten
        answer = aws_lambda.handler({"Records": records}, FakeContext(remaining_ms=900_000))
        assert answer == {"batchItemFailures": []}  # refused for good: acknowledged
    assert _keys(s3, bucket) == ["failed/sqs/m-1.manifest.json"]
    manifest = json.loads(s3.get_object(Bucket=bucket, Key="failed/sqs/m-1.manifest.json")["Body"].read())
    assert manifest["status"] == "failed" and manifest["source"] == "sqs" and manifest["message_id"] == "m-1"
    assert manifest["message"]["head"] == body and manifest["rows"] == {"read": 0, "scored": 0, "refused": 0}
    assert manifest["error"]["field"] in {"body", "input", "message"}


def test_without_a_failures_uri_a_message_that_names_no_output_is_only_logged(
    s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("SCORING_FAILURES_URI", raising=False)
    records = [{"messageId": "m-2", "body": "{not json", "eventSource": "aws:sqs"}]
    answer = aws_lambda.handler({"Records": records}, FakeContext(remaining_ms=900_000))
    assert answer == {"batchItemFailures": []}
    assert _keys(s3, bucket) == []
    assert any('"message_id": "m-2"' in r.getMessage() for r in caplog.records)
