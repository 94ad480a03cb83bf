"""Where things are in a store: ``<root>/<name>/<version>/<files>`` and ``<root>/<name>/aliases.json``.

Names, versions and aliases become parts of object keys and local paths, so each is checked here against
a safe pattern (no ``/``, no ``..``): a request that pins ``../x`` is an unknown version, never a path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from core.errors import InvalidInputError
from core.scoring.storage import Storage

ALIASES_FILE = "aliases.json"

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,62}$")
_ALIAS = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class ListableStorage(Storage, Protocol):
    """The storage port plus a listing: what finding the models and versions of a store needs."""

    def list(self, prefix: str) -> list[str]:
        """Every object under ``prefix`` (a folder), as URIs of the store's scheme, sorted."""
        ...


def store_root(uri: str) -> str:
    """``MODELS_URI`` as the root the storage adapters address: ``file:DIR`` becomes the path ``DIR``."""
    uri = uri.strip()
    if uri.startswith("file:") and not uri.startswith("file://"):
        uri = uri.removeprefix("file:")
    if not uri:
        raise InvalidInputError(
            "the models store URI is empty; give file:DIR, s3://bucket/prefix or gs://...", field="uri"
        )
    return uri.rstrip("/")


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise InvalidInputError(f"{name!r} is not a model name (lower-case letters, digits, '-' and '_')", field="name")
    return name


def valid_version(version: str) -> bool:
    return bool(_VERSION.match(version)) and ".." not in version


def check_version(version: str) -> str:
    if not valid_version(version):
        raise InvalidInputError(
            f"{version!r} is not a version (letters, digits, '.', '_', '+' and '-', e.g. 1.2.0)", field="version"
        )
    return version


def check_alias(alias: str) -> str:
    if not _ALIAS.match(alias):
        raise InvalidInputError(f"{alias!r} is not an alias (lower-case letters, digits, '-' and '_')", field="alias")
    return alias


@dataclass(frozen=True)
class Layout:
    """The URIs of one store's objects."""

    root: str

    def model(self, name: str) -> str:
        return f"{self.root}/{check_name(name)}"

    def version(self, name: str, version: str) -> str:
        return f"{self.model(name)}/{check_version(version)}"

    def file(self, name: str, version: str, filename: str) -> str:
        return f"{self.version(name, version)}/{filename}"

    def aliases(self, name: str) -> str:
        return f"{self.model(name)}/{ALIASES_FILE}"

    def relative(self, uri: str) -> list[str]:
        """The parts of ``uri`` below the root (``[name, version, file]`` or ``[name, "aliases.json"]``)."""
        return uri.removeprefix(self.root).strip("/").split("/")
