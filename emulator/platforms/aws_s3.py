"""``aws-s3``: an S3 notification delivered to the batch function, with the bucket's objects before and after.

A case's event is ``{"objects": {URI: text}, "event": <the S3 event>}``: the objects are put in a bucket on
disk (``emulator.platforms.buckets``), the event goes to the real Lambda handler as S3 delivers it
(asynchronously: a raised error is Lambda's error object, which S3's retry sees), and the answer holds the
function's value and every object the bucket holds afterwards.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from emulator.messages import HttpResponse
from emulator.platforms.base import GatewayConfig
from emulator.platforms.buckets import buckets
from emulator.platforms.lambda_runtime import LambdaResult, invoke_api_response, run_lambda

BATCH_TIMEOUT_S = 900.0
"""The batch function's timeout (serverless.yml), which the SQS kind reads to decide what it has time for."""


class AwsS3:
    name = "aws-s3"
    description = "S3 ObjectCreated notifications to the batch function"
    input_key = "event"

    def run(self, case_input: Any, config: GatewayConfig) -> HttpResponse:
        config = dataclasses.replace(config, timeout_s=BATCH_TIMEOUT_S, function_name="serverless-ml-prod-batch")
        with buckets(case_input.get("objects", {})) as objects:
            result = run_lambda(case_input["event"], config)
        response = invoke_api_response(result)
        return HttpResponse(response.status, response.headers, response.body, extra={"objects": objects})

    def answer(self, raw: HttpResponse) -> HttpResponse:
        return raw

    def raw_json(self, raw: HttpResponse) -> Any:
        return {"payload": raw.to_json(), "objects": raw.extra.get("objects", {})}


__all__ = ["AwsS3", "LambdaResult"]
