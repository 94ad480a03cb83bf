"""``aws-invoke``: a direct invocation (``aws lambda invoke``), answered as the Invoke API answers.

https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html: status 200, the function's value as the
JSON payload, and ``X-Amz-Function-Error: Unhandled`` with ``errorMessage``/``errorType`` when it
raised. Not reached over HTTP through a gateway, so it builds no event from a request.
"""

from __future__ import annotations

from typing import Any

from emulator.messages import HttpResponse
from emulator.platforms.base import GatewayConfig
from emulator.platforms.lambda_runtime import LambdaResult, invoke_api_response, run_lambda


class AwsInvoke:
    name = "aws-invoke"
    description = "direct invocation (aws lambda invoke)"
    input_key = "event"

    def run(self, case_input: Any, config: GatewayConfig) -> LambdaResult:
        return run_lambda(case_input, config)

    def answer(self, raw: LambdaResult) -> HttpResponse:
        return invoke_api_response(raw)

    def raw_json(self, raw: LambdaResult) -> Any:
        return raw.to_json()
