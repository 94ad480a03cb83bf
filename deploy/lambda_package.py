"""``python deploy/lambda_package.py``: the Lambda bundles from a real ``serverless package``, offline, and sizes.

What it does, in order:

1. finds a CPython 3.12 (the runtime serverless.yml deploys), which serverless-python-requirements runs
   pip under, so the bundled ``.pyc`` are the ones Lambda loads;
2. compiles this repository's own modules with that Python into hash-checked ``.pyc``
   (``SOURCE_DATE_EPOCH`` set), valid whatever dates the zip gives the sources;
3. runs ``osls package`` (the Serverless Framework v3 fork pinned in package.json) with no AWS
   credentials in its environment, which writes ``.serverless/`` (one zip per function and the
   CloudFormation template);
4. prints each function's zipped and unzipped size and exits 1 if one is over Lambda's 250 MB limit.

Packaging zips a few hundred megabytes in JavaScript, so step 3 is skipped when nothing it reads has
changed since the last build (a digest of those inputs is kept beside the output); ``--force`` rebuilds.
``--deploy STAGE`` runs steps 1 and 2, then ``osls deploy`` with the credentials of the environment.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / ".serverless"
TEMPLATE = OUTPUT / "cloudformation-template-update-stack.json"
STAMP = OUTPUT / "inputs.sha256"
STAGE = "ci"
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest date a zip entry can hold
LAMBDA_LIMIT_MB = 250.0
"""Lambda's limit on a function's unzipped code and layers."""
INPUT_FILES = (
    "serverless.yml",
    "deploy/lambda_package.py",
    "deploy/prune-requirements.js",
    "deploy/require-packager.js",
    "package-lock.json",
    "requirements/lambda-predict.txt",
    "requirements/lambda-tweets.txt",
    "requirements/lambda-batch.txt",
)
INPUT_DIRS = ("core", "handlers", "models", "data", "deploy/aws")
AWS_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")


@dataclass(frozen=True)
class Bundle:
    function: str
    path: Path
    zipped_mb: float
    unzipped_mb: float
    files: int


def find_python312() -> str | None:
    """A CPython 3.12: ``$LAMBDA_PYTHON``, ``python3.12`` on the PATH, or one that pyenv installed."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    installed = [str(p) for p in sorted(pyenv.glob("3.12*/bin/python3.12"))]
    candidates = [os.environ.get("LAMBDA_PYTHON", ""), "python3.12", *installed]
    for candidate in filter(None, candidates):
        found = shutil.which(candidate)
        if found is None:
            continue
        probe = subprocess.run([found, "-c", "import sys; print(sys.version_info[:2] == (3, 12))"], capture_output=True)
        if probe.returncode == 0 and probe.stdout.strip() == b"True":
            return found
    return None


def inputs_digest() -> str:
    """sha256 over every file packaging reads (paths and contents), following the deploy/aws symlinks."""
    digest = hashlib.sha256()
    paths = [ROOT / name for name in INPUT_FILES]
    for directory in INPUT_DIRS:
        paths += [p for p in (ROOT / directory).rglob("*") if "__pycache__" not in p.parts]
    for path in sorted(paths):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def bundles() -> list[Bundle]:
    """The function zips the template deploys, with their sizes."""
    resources = json.loads(TEMPLATE.read_text())["Resources"]
    found = []
    for resource in resources.values():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        key = resource["Properties"]["Code"]["S3Key"]
        path = OUTPUT / "deploy" / "aws" / Path(key).name
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
        function = resource["Properties"]["FunctionName"].rsplit("-", 1)[-1]
        found.append(
            Bundle(function, path, path.stat().st_size / 1e6, sum(i.file_size for i in infos) / 1e6, len(infos))
        )
    return sorted(found, key=lambda b: b.function)


FUNCTIONS = {
    "predict": "requirements/lambda-predict.txt",
    "tweets": "requirements/lambda-tweets.txt",
    "batch": "requirements/lambda-batch.txt",
}
COMPILE_TOP_LEVEL = """
import py_compile, sys
mode = py_compile.PycInvalidationMode.CHECKED_HASH
for source, target in zip(sys.argv[1::2], sys.argv[2::2]):
    py_compile.compile(source, cfile=target, doraise=True, invalidation_mode=mode)
"""


def compile_top_level_modules(python: str) -> None:
    """The .pyc of single-file requirements (``typing_extensions.py``), which the plugin leaves out of the zip.

    serverless-python-requirements skips the ``__pycache__`` at the top of its install directory, so
    a module that is one file there (not a package) would be compiled at every cold start (60 ms for
    typing_extensions). The same file, from the same pinned version installed here, is compiled by
    CPython 3.12 into ``deploy/aws/<function>/__pycache__``, which the function's own files carry.
    """
    from importlib import metadata

    for function, requirements in FUNCTIONS.items():
        pairs: list[str] = []
        for line in (ROOT / requirements).read_text().splitlines():
            if not line or line.startswith("#"):
                continue
            distribution = metadata.distribution(line.split("==", 1)[0])
            for file in distribution.files or []:
                if "/" not in str(file) and str(file).endswith(".py"):
                    target = ROOT / "deploy" / "aws" / function / "__pycache__" / f"{file.stem}.cpython-312.pyc"
                    pairs += [str(file.locate()), str(target)]
        if pairs:
            subprocess.run([python, "-c", COMPILE_TOP_LEVEL, *pairs], check=True)


def _osls(python: str, *args: str, offline: bool) -> None:
    """Compile this repository's modules for 3.12, then run osls (offline: with no AWS credentials at all)."""
    env = dict(os.environ)
    if offline:
        env = {key: value for key, value in env.items() if key not in AWS_VARIABLES}
        env.update(AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_CONFIG_FILE=os.devnull)
    env.update(
        SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH,
        SERVERLESS_ML_PACKAGER="deploy/lambda_package.py",  # deploy/require-packager.js refuses osls without it
        LAMBDA_PYTHON=python,
        SLS_TELEMETRY_DISABLED="1",
        SLS_NOTIFICATIONS_MODE="off",
    )
    subprocess.run([python, "-m", "compileall", "-q", "-f", "core", "handlers"], cwd=ROOT, env=env, check=True)
    compile_top_level_modules(python)
    subprocess.run([str(ROOT / "node_modules" / ".bin" / "osls"), *args], cwd=ROOT, env=env, check=True)


def package(python: str, *, force: bool = False) -> bool:
    """Run ``osls package`` unless its output is up to date; True if it ran.

    Two runs at once (two test sessions on one checkout) would write the same files: the second waits
    for the first on a lock, then finds the output up to date.
    """
    OUTPUT.mkdir(exist_ok=True)
    with open(OUTPUT.parent / ".serverless.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        digest = inputs_digest()
        if not force and TEMPLATE.exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
            return False
        STAMP.unlink(missing_ok=True)
        _osls(python, "package", "--stage", STAGE, offline=True)
        STAMP.write_text(digest + "\n")
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--force", action="store_true", help="package even if nothing changed")
    parser.add_argument("--sizes-only", action="store_true", help="only report the sizes of the last build")
    parser.add_argument("--deploy", metavar="STAGE", help="deploy to AWS instead, with the environment's credentials")
    parser.add_argument(
        "osls_args", nargs="*", help="more osls arguments for --deploy, after --: --param=access=public"
    )
    args = parser.parse_args(argv)
    if not args.sizes_only:
        python = find_python312()
        if python is None:
            print("CPython 3.12 (Lambda's runtime) is needed to build the bundles: pyenv install 3.12", file=sys.stderr)
            return 2
        if args.deploy:
            STAMP.unlink(missing_ok=True)  # deploy rewrites .serverless/ for its own stage
            _osls(python, "deploy", "--stage", args.deploy, *args.osls_args, offline=False)
            return 0
        print("packaged" if package(python, force=args.force) else "up to date: .serverless/ (--force rebuilds)")
    print(
        f"{'function':<10} {'zipped MB':>10} {'unzipped MB':>12} {'files':>7}  limit {LAMBDA_LIMIT_MB:.0f} MB unzipped"
    )
    over = []
    for bundle in bundles():
        print(f"{bundle.function:<10} {bundle.zipped_mb:>10.1f} {bundle.unzipped_mb:>12.1f} {bundle.files:>7}")
        if bundle.unzipped_mb > LAMBDA_LIMIT_MB:
            over.append(bundle.function)
    if over:
        print(f"over Lambda's {LAMBDA_LIMIT_MB:.0f} MB limit: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
