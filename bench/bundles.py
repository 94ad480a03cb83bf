"""Each Lambda function's bundle, zipped and unzipped, from the real ``serverless package`` output.

The function zips are the ones the generated CloudFormation template deploys (``deploy/lambda_package.py``
finds them), so the figures are what Lambda would unpack.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bundle:
    name: str
    zipped_mb: float
    unzipped_mb: float
    files: int


def bundles() -> list[Bundle]:
    """Every function of the last ``make package`` (empty when nothing was packaged yet)."""
    from deploy import lambda_package

    if not lambda_package.TEMPLATE.exists():
        return []
    return [Bundle(b.function, b.zipped_mb, b.unzipped_mb, b.files) for b in lambda_package.bundles()]
