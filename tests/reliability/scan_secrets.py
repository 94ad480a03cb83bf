"""``python -m tests.reliability.scan_secrets``: credentials in the repository (the working directory) that
its reviewed ``.secrets.baseline`` lacks.

detect-secrets' own pre-commit logic (scan, then subtract ``.secrets.baseline``) without the hook's side
effects: the hook rewrites the baseline when line numbers move and refuses to run while the baseline
has unstaged changes, neither of which a test may do. Scanned: every file git tracks or would track
(new files not yet committed included), so the recorded events under ``tests/`` are covered; the
baseline's own filters apply (public data sets, checksum lines and base64 PNGs are not scanned).
Exit status 1 and one line per finding when there is a new one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from detect_secrets import SecretsCollection
from detect_secrets.core import baseline

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ".secrets.baseline"


def repository_files() -> list[str]:
    """Relative paths, as the baseline records them and its file filters expect."""
    command = ["git", "ls-files", "--cached", "--others", "--exclude-standard"]
    listing = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return sorted({name for name in listing.splitlines() if Path(name).is_file()})


def new_findings() -> list[str]:
    known = baseline.load(baseline.load_from_file(BASELINE), BASELINE)  # also applies the baseline's settings
    found = SecretsCollection()
    found.scan_files(*repository_files(), num_processors=2)
    return [f"{name}:{secret.line_number}: {secret.type}" for name, secret in found - known]


def main() -> int:
    findings = new_findings()
    for line in findings:
        print(line)
    if findings:
        print(
            f"{len(findings)} possible credential(s) not in {BASELINE}: remove them, or if they are fake, mark "
            "the line `# pragma: allowlist secret`, or run `make secrets-baseline` and review the new entries",
        )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
