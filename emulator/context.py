"""A Lambda context object as the Python runtime passes it: request id, deadline, memory, function name, ARN.

It satisfies Mangum's ``LambdaContext`` protocol and what the AWS Python runtime documents
(https://docs.aws.amazon.com/lambda/latest/dg/python-context.html), so code that reads the remaining
time (a request deadline) or logs the request id behaves as it would in the cloud.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

ACCOUNT_ID = "123456789012"
"""The documentation's placeholder account, used in every ARN the emulator makes."""

REGION = "us-east-1"


@dataclass
class LambdaContext:
    """The context of one invocation; ``timeout_s`` starts counting when the object is made."""

    function_name: str = "serverless-ml-api"
    memory_limit_in_mb: int = 1024
    timeout_s: float = 29.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    identity: Any = None
    client_context: Any = None
    _deadline: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"{time.strftime('%Y/%m/%d')}/[{self.function_version}]{self.aws_request_id.replace('-', '')}"

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds until the function's timeout, never negative, as the runtime reports it."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))
