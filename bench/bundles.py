"""Each Lambda function's bundle, zipped and unzipped, from the real ``serverless package`` output."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from bench.servers import ROOT


@dataclass(frozen=True)
class Bundle:
    name: str
    zipped_mb: float
    unzipped_mb: float
    files: int


def bundles(directory: Path = ROOT / ".serverless") -> list[Bundle]:
    """Every zip ``serverless package`` left in ``.serverless/`` (one per function with per-function packaging)."""
    found = []
    for path in sorted(directory.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
        found.append(Bundle(path.stem, path.stat().st_size / 1e6, sum(i.file_size for i in infos) / 1e6, len(infos)))
    return found
