"""The commands: keys (shown once, listed without secrets, rotated, revoked), publish, serve's checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from cxradar.cli import main
from cxradar.serve.keys import KeyRing
from cxradar.serve.publish import current_manifest

from .conftest import make_run_dir


def _run(args: list[str]) -> tuple[int, str, str]:
    from cxradar.cli import cli

    out = CliRunner().invoke(cli, args)
    return out.exit_code, out.stdout, out.stderr


def test_keys_create_list_rotate_revoke(tmp_path: Path) -> None:
    keys = str(tmp_path / "keys.json")
    code, token, err = _run(
        ["keys", "create", "--channel", "hotline", "--scopes", "care:read,care:deliver", "--keys", keys]
    )
    token = token.strip()
    assert code == 0 and token.startswith("cxr_") and "shown once" in err
    ring = KeyRing(Path(keys))
    assert ring.verify(token) is not None
    code, listing, _ = _run(["keys", "list", "--keys", keys])
    key_id = token.split("_")[1]
    assert code == 0 and key_id in listing and token.split("_", 2)[2] not in listing
    code, successor, _ = _run(["keys", "rotate", key_id, "--keys", keys])
    assert code == 0 and KeyRing(Path(keys)).verify(successor.strip()).scopes == frozenset(
        {"care:read", "care:deliver"}
    )  # type: ignore[union-attr]
    code, out, _ = _run(["keys", "revoke", key_id, "--keys", keys])
    assert code == 0 and "Revoked" in out and KeyRing(Path(keys)).verify(token) is None
    code, _, err = _run(["keys", "create", "--channel", "hotline", "--scopes", "care:raed", "--keys", keys])
    assert code != 0


def test_unknown_scope_and_missing_key_file_are_one_line_errors(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import pytest

    with pytest.raises(SystemExit) as stopped:
        main(
            [
                "keys",
                "create",
                "--channel",
                "hotline",
                "--scopes",
                "care:raed",
                "--keys",
                str(tmp_path / "k.json"),
            ]
        )
    assert stopped.value.code == 1
    assert "unknown scope 'care:raed'. Did you mean 'care:read'?" in capsys.readouterr().err
    run = make_run_dir(tmp_path)
    with pytest.raises(SystemExit):
        main(["serve", str(run), "--keys", str(tmp_path / "none.json")])
    assert "does not exist" in capsys.readouterr().err


def test_publish_builds_and_publishes(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    code, out, _ = _run(["publish", str(run), "--build"])
    assert code == 0 and "Built 6 cards for 2026-10" in out and "Published 6 cards" in out
    assert current_manifest(run)["month"] == "2026-10"  # type: ignore[index]
    shutil.rmtree(run / "cards")
    code, _, _ = _run(["publish", str(run)])
    assert code != 0
    assert json.loads((run / "serve" / "current.json").read_text())["count"] == 6
