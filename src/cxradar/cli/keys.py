"""``cxradar keys``: API keys for channel systems - create (shown once), list, rotate, revoke."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from cxradar.serve.keys import KeyFile

__all__ = ["keys"]

_KEYS = click.option(
    "--keys",
    "keys_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Key file (default $CXRADAR_KEYS, else ~/.config/cxradar/keys.json).",
)


def _file(keys_path: Path | None) -> KeyFile:
    from cxradar.serve.keys import KeyFile
    from cxradar.serve.settings import default_keys_path

    return KeyFile(keys_path or default_keys_path())


def _show_once(token: str, path: Path) -> None:
    click.echo(token)
    click.echo(
        f"This key is shown once; only its hash is kept in {path}. 密钥仅显示一次，请妥善保存。", err=True
    )


@click.group("keys")
def keys() -> None:
    """API keys for the lookup service, one per channel system (hotline, hall CRM, app, ...).

    \b
    Scopes:
      care:read        look up care cards
      care:deliver     record deliveries
      msisdn:unmasked  see numbers in full (others see 138****5678)
      dashboard:read   open the dashboard
    \b
    Rotate a key without downtime: 'keys rotate ID', deploy the new key, then 'keys revoke ID'.
    Running services see changes within a second. See docs/serve.md#keys.
    """


@keys.command("create")
@click.option(
    "--channel", required=True, help="The channel system the key is for, e.g. hotline, hall-crm, ivr."
)
@click.option("--scopes", required=True, help="Comma-separated scopes, e.g. care:read,care:deliver.")
@click.option("--note", default="", help="A note shown in 'keys list' (who holds the key).")
@_KEYS
def create(channel: str, scopes: str, note: str, keys_path: Path | None) -> None:
    """Create a key and print it once (only its SHA-256 is stored).

    \b
    Example:  cxradar keys create --channel hotline --scopes care:read,care:deliver
    """
    store = _file(keys_path)
    token, _ = store.create(channel, [s.strip() for s in scopes.split(",") if s.strip()], note)
    _show_once(token, store.path)


@keys.command("list")
@_KEYS
def list_keys(keys_path: Path | None) -> None:
    """List the keys: id, channel, scopes, created, revoked (never the keys themselves).

    \b
    Example:  cxradar keys list
    """
    from rich.table import Table

    from cxradar.cli._common import console

    table = Table(title="API keys 接口密钥")
    for column in ("id", "channel", "scopes", "created", "revoked", "note"):
        table.add_column(column)
    for key in _file(keys_path).records():
        table.add_row(
            key.id, key.channel, ",".join(sorted(key.scopes)), key.created_at, key.revoked_at or "", key.note
        )
    console.print(table)


@keys.command("revoke")
@click.argument("key_id")
@_KEYS
def revoke(key_id: str, keys_path: Path | None) -> None:
    """Revoke a key: running services refuse it within a second.

    \b
    Example:  cxradar keys revoke 1f2e3d4c
    """
    key = _file(keys_path).revoke(key_id)
    click.echo(f"Revoked {key.id} ({key.channel}) at {key.revoked_at}. 已吊销。")


@keys.command("rotate")
@click.argument("key_id")
@_KEYS
def rotate(key_id: str, keys_path: Path | None) -> None:
    """Create a successor with the same channel and scopes; the old key works until revoked.

    \b
    Example:  cxradar keys rotate 1f2e3d4c   # then deploy it, then: cxradar keys revoke 1f2e3d4c
    """
    store = _file(keys_path)
    token, _ = store.rotate(key_id)
    _show_once(token, store.path)
    click.echo(f"Deploy the new key, then revoke the old one: cxradar keys revoke {key_id}", err=True)
