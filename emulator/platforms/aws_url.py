"""``aws-url``: a Lambda function URL, the HTTP API's payload 2.0 with a ``lambda-url`` domain.

https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html: the same event and response rules
as ``aws_http``; a function error is a 502 ``{"Message":"Internal Server Error"}``. Not served by
``emulator serve`` (a function URL has no routes: every path reaches the function).
"""

from __future__ import annotations

from emulator.context import REGION
from emulator.messages import HttpResponse
from emulator.platforms.aws_http import PayloadV2

URL_ID = "abcdefghijklmnopqrstuvwxyz012345"


class AwsUrl(PayloadV2):
    name = "aws-url"
    description = "Lambda function URL"
    api_id = URL_ID
    domain = f"{URL_ID}.lambda-url.{REGION}.on.aws"
    error = HttpResponse(502, (("content-type", "application/json"),), b'{"Message":"Internal Server Error"}')
