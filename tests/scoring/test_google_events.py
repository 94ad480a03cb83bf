"""Google's paths on the Cloud Storage emulator: the ``score_object`` CloudEvent target and the Pub/Sub push route."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from cloudevents.http import CloudEvent
from fastapi.testclient import TestClient

from core.errors import UpstreamError
from handlers.gcf_scoring import score_object
from handlers.http_app import create_app
from tests.scoring.conftest import diabetes_csv


@pytest.fixture
def bucket(gcs: Any) -> Any:
    return gcs.create_bucket(f"drops-{uuid.uuid4().hex[:10]}")


def _finalized(bucket: str, name: str) -> CloudEvent:
    attributes = {
        "type": "google.cloud.storage.object.v1.finalized",
        "source": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
        "subject": f"objects/{name}",
    }
    return CloudEvent(attributes, {"bucket": bucket, "name": name, "generation": "1", "size": "10"})


def _names(bucket: Any) -> list[str]:
    return sorted(blob.name for blob in bucket.client.list_blobs(bucket.name))


def test_a_finalized_object_under_incoming_is_scored_under_scored(bucket: Any) -> None:
    bucket.blob("incoming/diabetes/a.jsonl").upload_from_string(b'{"pregnant":1,"glucose":3,"pressure":1}\n')
    score_object(_finalized(bucket.name, "incoming/diabetes/a.jsonl"))
    assert "scored/diabetes/a.jsonl.manifest.json" in _names(bucket)
    assert json.loads(bucket.blob("scored/diabetes/a.jsonl").download_as_bytes())["prediction"] in ("yes", "no")


def test_an_object_outside_incoming_is_acknowledged_and_left_alone(bucket: Any) -> None:
    bucket.blob("scored/diabetes/a.csv").upload_from_string(diabetes_csv(3))
    score_object(_finalized(bucket.name, "scored/diabetes/a.csv"))  # returns: acknowledged, nothing written
    assert _names(bucket) == ["scored/diabetes/a.csv"]


def test_a_store_out_of_reach_is_raised_for_eventarc_to_retry(gcs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import free_port

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("STORAGE_RETRY_SECONDS", "1")
    with pytest.raises(UpstreamError):
        score_object(_finalized("b", "incoming/diabetes/a.csv"))


def _push(data: bytes, attributes: dict[str, str] | None = None) -> dict[str, Any]:
    message = {"data": base64.b64encode(data).decode(), "attributes": attributes or {}, "messageId": "1"}
    return {"message": message, "subscription": "projects/p/subscriptions/s"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


def test_push_of_a_storage_notification_is_scored_then_acknowledged(client: TestClient, bucket: Any) -> None:
    bucket.blob("incoming/diabetes/b.csv").upload_from_string(diabetes_csv(20))
    attributes = {"eventType": "OBJECT_FINALIZE", "bucketId": bucket.name, "objectId": "incoming/diabetes/b.csv"}
    answer = client.post("/pubsub/score", json=_push(b"{}", attributes))
    assert answer.status_code == 200 and answer.json()["results"][0]["rows"]["scored"] == 20
    assert "scored/diabetes/b.csv.manifest.json" in _names(bucket)


def test_push_of_an_explicit_request_and_of_garbage(client: TestClient, bucket: Any) -> None:
    bucket.blob("in/c.csv").upload_from_string(diabetes_csv(5))
    request = {"model": "diabetes", "input": f"gs://{bucket.name}/in/c.csv", "output": f"gs://{bucket.name}/out/c.csv"}
    assert client.post("/pubsub/score", json=_push(json.dumps(request).encode())).status_code == 200
    assert "out/c.csv.manifest.json" in _names(bucket)
    refused = client.post("/pubsub/score", json=_push(b"not json"))
    assert refused.status_code == 200 and refused.json()["status"] == "refused"  # acknowledged: it never succeeds


def test_push_answers_503_for_a_transient_failure_so_pubsub_delivers_again(
    client: TestClient, gcs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import free_port

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("STORAGE_RETRY_SECONDS", "1")
    request = {"model": "diabetes", "input": "gs://b/in.csv", "output": "gs://b/out.csv"}
    assert client.post("/pubsub/score", json=_push(json.dumps(request).encode())).status_code == 503


def test_a_push_message_that_names_no_output_is_acknowledged_and_filed_by_its_id(
    bucket: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCORING_FAILURES_URI", f"gs://{bucket.name}/failed")
    data = base64.b64encode(b'{"model": "diabetes"}').decode()
    envelope = {"message": {"data": data, "messageId": "1234567"}, "subscription": "projects/p/subscriptions/s"}
    with TestClient(create_app()) as client:
        answer = client.post("/pubsub/score", json=envelope)
    assert answer.status_code == 200 and answer.json()["status"] == "refused"
    assert _names(bucket) == ["failed/pubsub/1234567.manifest.json"]
    manifest = json.loads(bucket.blob("failed/pubsub/1234567.manifest.json").download_as_bytes())
    assert manifest["status"] == "failed" and manifest["error"]["field"] == "input"
