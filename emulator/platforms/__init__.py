"""The platform table: one class per way the service is reached, one module each; replay, parity, record,
serve, invoke and the CLI all read it.

Adding a platform is one module in this package (a class satisfying ``base.Platform``, plus
``base.HttpPlatform`` when clients reach it over HTTP, plus ``base.ServedGateway`` when ``emulator
serve`` should run it from serverless.yml) and one line in ``_CLASSES`` below. Its cases then live in
``tests/events/<name>/``.
"""

from __future__ import annotations

from emulator.platforms.aws_alb import AwsAlb
from emulator.platforms.aws_http import AwsHttp
from emulator.platforms.aws_invoke import AwsInvoke
from emulator.platforms.aws_rest import AwsRest
from emulator.platforms.aws_s3 import AwsS3
from emulator.platforms.aws_sqs import AwsSqs
from emulator.platforms.aws_url import AwsUrl
from emulator.platforms.base import GatewayConfig, HttpPlatform, Platform, ServedGateway
from emulator.platforms.cloud_run import CloudRun
from emulator.platforms.cloud_run_pubsub import CloudRunPubsub
from emulator.platforms.gcf import Gcf
from emulator.platforms.gcf_event import GcfEvent
from emulator.platforms.gcf_storage import GcfStorage

_CLASSES: tuple[type[Platform], ...] = (
    AwsRest,
    AwsHttp,
    AwsAlb,
    AwsUrl,
    AwsInvoke,
    AwsS3,
    AwsSqs,
    Gcf,
    GcfEvent,
    GcfStorage,
    CloudRun,
    CloudRunPubsub,
)

PLATFORMS: dict[str, Platform] = {platform.name: platform for platform in (cls() for cls in _CLASSES)}
"""Every platform by name, in the order above."""


def http_platforms() -> list[HttpPlatform]:
    """The platforms reached over HTTP, which parity compares and record serves."""
    return [p for p in PLATFORMS.values() if isinstance(p, HttpPlatform)]


def served_gateways() -> dict[str, ServedGateway]:
    """The gateways ``emulator serve`` runs from serverless.yml, by name."""
    return {p.name: p for p in PLATFORMS.values() if isinstance(p, ServedGateway)}


__all__ = ["PLATFORMS", "GatewayConfig", "HttpPlatform", "Platform", "ServedGateway", "http_platforms"]
