"""The store's use cases: publish a version, promote one to an alias, roll an alias back, list what is there.

A version is published once: its arrays and artifact are written first and its metadata last, so a
version whose metadata is there is whole (a publish cut short leaves no version, only files the next
publish of it overwrites). Publishing checks the artifact against the sha256 its metadata records, so a
store never receives a model the service would refuse. Promote and rollback rewrite ``aliases.json``
alone; the services that read the store pick the change up at their next refresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from core.errors import ConflictError, ModelUnavailableError, NotFoundError, UnknownModelError, UnknownVersionError
from core.prediction.artifacts import arrays_path, artifact_path, metadata_path, read_metadata_of
from core.prediction.store.aliases import Aliases
from core.prediction.store.layout import ALIASES_FILE, Layout, ListableStorage, check_alias, check_version
from core.scoring.storage import Storage, write_object


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def read_object(storage: Storage, uri: str) -> bytes:
    with storage.open(uri) as stream:
        return stream.read()


def exists(storage: Storage, uri: str) -> bool:
    try:
        storage.stat(uri)
    except NotFoundError:
        return False
    return True


def version_files(name: str, metadata: dict[str, Any]) -> list[str]:
    """The files of a version, metadata last: the artifact, its arrays if it has any, then the metadata."""
    files = [artifact_path(Path(), name).name]
    if metadata.get("artifact", {}).get("arrays"):
        files.append(arrays_path(Path(), name).name)
    return [*files, metadata_path(Path(), name).name]


def _checked(name: str, content: bytes, entry: Any, what: str) -> bytes:
    if not isinstance(entry, dict) or hashlib.sha256(content).hexdigest() != entry.get("sha256"):
        raise ModelUnavailableError(
            f"model {name!r} not published: its {what} does not match the sha256 recorded in its metadata",
            field="model",
        )
    return content


def publish(storage: Storage, root: str, name: str, source_dir: Path, version: str | None = None) -> dict[str, Any]:
    """Copy ``name``'s artifact from ``source_dir`` to ``<root>/<name>/<version>/``; return its metadata there.

    ``version`` defaults to the one in the metadata; a version already published is a ``ConflictError``.
    """
    layout = Layout(root)
    metadata = read_metadata_of(name, source_dir)
    version = check_version(version or str(metadata.get("version", "")))
    meta_uri = layout.file(name, version, metadata_path(Path(), name).name)
    if exists(storage, meta_uri):
        raise ConflictError(
            f"model {name!r} version {version!r} is already published at {layout.version(name, version)}; "
            "a published version never changes: publish it as a new version (--version)",
            field="version",
        )
    entry = metadata.get("artifact", {})
    try:
        contents = {artifact_path(Path(), name).name: artifact_path(source_dir, name).read_bytes()}
        if entry.get("arrays"):
            contents[arrays_path(Path(), name).name] = arrays_path(source_dir, name).read_bytes()
    except OSError as exc:
        raise ModelUnavailableError(f"model {name!r} has no artifact in {source_dir}", field="model") from exc
    _checked(name, contents[artifact_path(Path(), name).name], entry, "artifact")
    if entry.get("arrays"):
        _checked(name, contents[arrays_path(Path(), name).name], entry["arrays"], "arrays file")
    published = {**metadata, "version": version, "published_at": now()}
    for filename, content in contents.items():
        write_object(storage, layout.file(name, version, filename), content)
    write_object(storage, meta_uri, (json.dumps(published, indent=2) + "\n").encode())
    return published


def read_aliases(storage: Storage, root: str, name: str) -> tuple[Aliases, str | None]:
    """The model's aliases and the store's tag of ``aliases.json`` (``None``, and no aliases, when there is none)."""
    uri = Layout(root).aliases(name)
    try:
        tag = storage.stat(uri).etag
        document = json.loads(read_object(storage, uri))
    except NotFoundError:
        return Aliases(), None
    except ValueError as exc:
        raise ModelUnavailableError(f"model {name!r} has an aliases.json that is not JSON", field="model") from exc
    return Aliases.from_json(name, document), tag


def read_version_metadata(storage: Storage, root: str, name: str, version: str) -> dict[str, Any]:
    """A published version's metadata; ``UnknownVersionError`` naming the version when it is not published."""
    uri = Layout(root).file(name, version, metadata_path(Path(), name).name)
    try:
        metadata: dict[str, Any] = json.loads(read_object(storage, uri))
    except NotFoundError:
        raise UnknownVersionError(
            f"model {name!r} has no published version {version!r} in {root}", field="version"
        ) from None
    except ValueError as exc:
        raise ModelUnavailableError(
            f"model {name!r} version {version!r} has unreadable metadata", field="model"
        ) from exc
    return metadata


def promote(storage: Storage, root: str, name: str, version: str, alias: str) -> tuple[str | None, Aliases]:
    """Point ``alias`` at a published ``version``; return the version it named before, and the new aliases."""
    check_alias(alias)
    read_version_metadata(storage, root, name, check_version(version))
    aliases, _ = read_aliases(storage, root, name)
    updated = aliases.promoted(alias, version, now())
    if updated is not aliases:
        _write_aliases(storage, root, name, updated)
    return aliases.current.get(alias), updated


def rollback(storage: Storage, root: str, name: str, alias: str) -> tuple[str, str]:
    """Point ``alias`` back at the version it named before; return (from, to)."""
    check_alias(alias)
    aliases, _ = read_aliases(storage, root, name)
    if alias not in aliases.current:
        raise ConflictError(f"model {name!r} has no alias {alias!r} in {root}", field="alias")
    updated = aliases.rolled_back(name, alias, now())
    _write_aliases(storage, root, name, updated)
    return aliases.current[alias], updated.current[alias]


def _write_aliases(storage: Storage, root: str, name: str, aliases: Aliases) -> None:
    write_object(storage, Layout(root).aliases(name), (json.dumps(aliases.to_json(), indent=2) + "\n").encode())


def model_names(storage: ListableStorage, root: str) -> list[str]:
    """Every model with at least one published version or an alias, sorted."""
    layout = Layout(root)
    names = set()
    for uri in storage.list(root):
        parts = layout.relative(uri)
        if len(parts) == 2 and parts[1] == ALIASES_FILE or len(parts) == 3 and parts[2].endswith(".meta.json"):
            names.add(parts[0])
    return sorted(names)


def listing(storage: ListableStorage, root: str, only: str | None = None) -> list[dict[str, Any]]:
    """Each model's versions (created_at, published_at, metrics) and aliases: ``models list --from``."""
    layout = Layout(root)
    names = model_names(storage, root)
    if only is not None:
        if only not in names:
            raise UnknownModelError(f"no model {only!r} in {root}; there: {', '.join(names) or 'none'}", field="name")
        names = [only]
    models = []
    for name in names:
        versions = sorted(
            {p[1] for p in map(layout.relative, storage.list(layout.model(name))) if len(p) == 3},
            key=_version_key,
        )
        aliases, _ = read_aliases(storage, root, name)
        entries = []
        for version in versions:
            try:
                meta = read_version_metadata(storage, root, name, version)
            except UnknownVersionError:  # files without metadata: a publish cut short, not a version
                continue
            entries.append(
                {
                    "version": version,
                    "created_at": meta.get("created_at"),
                    "published_at": meta.get("published_at"),
                    "metrics": meta.get("metrics", {}),
                    "aliases": sorted(a for a, v in aliases.current.items() if v == version),
                }
            )
        models.append({"name": name, "versions": entries, "aliases": dict(aliases.current)})
    return models


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """1.10.0 after 1.9.0: numeric parts by number, the rest by text."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in version.replace("-", ".").split("."))
