"""``aws-sqs``: a batch of SQS messages delivered to the batch function, with the buckets before and after.

As ``aws-s3``, with an SQS event: the answer is the partial batch response (``batchItemFailures``) and every
object the buckets hold afterwards.
"""

from __future__ import annotations

from typing import Any

from emulator.messages import HttpResponse
from emulator.platforms.aws_s3 import AwsS3
from emulator.platforms.base import GatewayConfig


class AwsSqs:
    name = "aws-sqs"
    description = "SQS messages (S3 notifications or scoring requests) to the batch function"
    input_key = "event"

    def run(self, case_input: Any, config: GatewayConfig) -> HttpResponse:
        return AwsS3().run(case_input, config)

    def answer(self, raw: HttpResponse) -> HttpResponse:
        return raw

    def raw_json(self, raw: HttpResponse) -> Any:
        return AwsS3().raw_json(raw)
