"""``serverless-ml models publish|promote|rollback|list --from`` on each kind of store, as a user runs them."""

from __future__ import annotations

import json

import pytest

from core.prediction.store import publishing
from handlers.cli.main import main
from tests.store.conftest import MODEL, open_store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_publish_promote_list_and_roll_back(store_uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "models", "publish", MODEL, "--to", store_uri)[1].startswith(f"published {MODEL} 1.0.0 to ")
    assert run(capsys, "models", "publish", MODEL, "--to", store_uri, "--version", "1.1.0")[0] == 0
    assert run(capsys, "models", "publish", MODEL, "--to", store_uri, "--version", "1.2.0")[0] == 0

    for version in ("1.0.0", "1.1.0", "1.2.0"):
        assert run(capsys, "models", "promote", MODEL, version, "--alias", "prod", "--to", store_uri)[0] == 0
    assert run(capsys, "models", "promote", MODEL, "1.0.0", "--alias", "staging", "--to", store_uri)[0] == 0

    status, out, _ = run(capsys, "models", "list", "--from", store_uri, "--json")
    listed = json.loads(out)["models"]
    assert [m["name"] for m in listed] == [MODEL]
    assert listed[0]["aliases"] == {"prod": "1.2.0", "staging": "1.0.0"}
    versions = {v["version"]: v for v in listed[0]["versions"]}
    assert list(versions) == ["1.0.0", "1.1.0", "1.2.0"]
    assert versions["1.2.0"]["aliases"] == ["prod"] and versions["1.0.0"]["aliases"] == ["staging"]
    assert versions["1.0.0"]["created_at"] and versions["1.0.0"]["published_at"]
    assert "train_accuracy" in versions["1.0.0"]["metrics"]

    table = run(capsys, "models", "list", "--from", store_uri)[1].splitlines()
    assert table[0].split("\t")[:4] == ["name", "version", "aliases", "created_at"]
    assert table[3].split("\t")[:3] == [MODEL, "1.2.0", "prod"]

    # Each rollback undoes one promotion, and says so; with none left it is refused.
    assert run(capsys, "models", "rollback", MODEL, "--alias", "prod", "--to", store_uri)[1].strip() == (
        f"{MODEL} prod: 1.2.0 -> 1.1.0 (rolled back)"
    )
    assert run(capsys, "models", "rollback", MODEL, "--alias", "prod", "--to", store_uri)[1].startswith(
        f"{MODEL} prod: 1.1.0 -> 1.0.0"
    )
    status, _, err = run(capsys, "models", "rollback", MODEL, "--alias", "prod", "--to", store_uri)
    assert status == 2 and "no previous version to roll back to" in err

    storage, root = open_store(store_uri)
    aliases = json.loads(publishing.read_object(storage, f"{root}/{MODEL}/aliases.json"))
    assert aliases["aliases"]["prod"] == "1.0.0"
    assert [e["action"] for e in aliases["history"]["prod"]] == ["promote"] * 3 + ["rollback"] * 2


def test_a_published_version_is_never_overwritten(store_uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "models", "publish", MODEL, "--to", store_uri)[0] == 0
    storage, root = open_store(store_uri)
    before = storage.stat(f"{root}/{MODEL}/1.0.0/{MODEL}.model.json").etag
    status, _, err = run(capsys, "models", "publish", MODEL, "--to", store_uri)
    assert status == 2
    assert "error (version): model 'diabetes' version '1.0.0' is already published" in err
    assert storage.stat(f"{root}/{MODEL}/1.0.0/{MODEL}.model.json").etag == before


def test_refusals_name_what_is_wrong(store_uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "models", "publish", MODEL, "--to", store_uri)
    status, _, err = run(capsys, "models", "promote", MODEL, "9.9.9", "--alias", "prod", "--to", store_uri)
    assert status == 2 and "no published version '9.9.9'" in err
    status, _, err = run(capsys, "models", "promote", MODEL, "../x", "--alias", "prod", "--to", store_uri)
    assert status == 2 and "error (version)" in err
    status, _, err = run(capsys, "models", "rollback", MODEL, "--alias", "prod", "--to", store_uri)
    assert status == 2 and "has no alias 'prod'" in err
    status, _, err = run(capsys, "models", "publish", "nope", "--to", store_uri)
    assert status == 2 and "'nope' has no readable metadata" in err
