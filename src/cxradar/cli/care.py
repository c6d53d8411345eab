"""``cxradar care``: assign care strategies, write channel lists, query and record pending care."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from cxradar.cli._common import console, progress

__all__ = ["care"]

_MONTH = click.option("--month", required=True, help="The run month, YYYY-MM (care starts the month after).")


@click.group("care")
def care() -> None:
    """Care for flagged customers: strategies by rules, policies, channel lists, pending care.

    \b
    The monthly order (after 'cxradar run' wrote potential_dissatisfied.parquet and pool.parquet):
      cxradar care assign RUN_DIR --month 2026-10 --data DATA_DIR
      cxradar campaign design RUN_DIR --month 2026-10
      cxradar care lists RUN_DIR --month 2026-10 --out lists/ --dial-token --key-file list.key
    An outbound dialer resolves the lists' tokens with the same key:
      cxradar care tokens RUN_DIR --month 2026-10 --key-file list.key --out tokens.csv
    Channels ask for, and record, wait-for-contact (守株待兔) care:
      cxradar care pending RUN_DIR --msisdn 13812345678
      cxradar care deliver RUN_DIR --msisdn 13812345678 --channel hall
    Rules: conf/care/rules.yaml; policies: conf/care/policies.yaml; plans: conf/care/plans.yaml
    (docs/care.md).
    """


@care.command("assign")
@click.argument("run_dir", type=click.Path(file_okay=False, path_type=Path))
@_MONTH
@click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The data folder (subscribers, contacts, usage_monthly, care_actions).",
)
@click.option(
    "--rules",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rule file (default conf/care/rules.yaml).",
)
@click.option(
    "--policies",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Policy file (default conf/care/policies.yaml).",
)
@click.option(
    "--plans",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tariff plan catalogue for the better-fitting-plan remedy (default conf/care/plans.yaml).",
)
@click.option(
    "--dnd",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Do-not-disturb list: one msisdn a line, or CSV/Parquet.",
)
@click.option(
    "--priority",
    type=click.Choice(["risk", "uplift"]),
    help="Choose under capacity by risk x value x expected effect, or by predicted uplift x value "
    "[default: the policies file's priority, risk as shipped].",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the uplift model.")
def assign(
    run_dir: Path,
    month: str,
    data_dir: Path,
    rules: Path | None,
    policies: Path | None,
    plans: Path | None,
    dnd: Path | None,
    priority: str | None,
    seed: int,
) -> None:
    """Decide strategy, channel and script for every flagged customer, then apply the policies.

    \b
    Example:  cxradar care assign runs/ --month 2026-10 --data sim/
    Writes RUN_DIR/care/MONTH/care_selected.parquet (each decision with its rule and zh/en sentence),
    care_left_out.parquet (who was left out and why: fatigue, dnd, capacity) and care_summary.json.
    """
    from cxradar.campaigns.step import assign_month

    config = {
        "rules": rules,
        "policies": policies,
        "plans": plans,
        "dnd": dnd,
        "priority": priority,
        "seed": seed,
    }
    with progress() as bar:
        task = bar.add_task("assigning care", total=1)
        summary = assign_month(run_dir, data_dir, month, config)
        bar.update(task, advance=1)
    _print_counts("Care assigned 关怀分配", summary)
    console.print(
        f"Wrote {run_dir / 'care' / month}/care_selected.parquet, care_left_out.parquet, care_summary.json"
    )


def _print_counts(title: str, summary: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=title)
    table.add_column("what 项目")
    table.add_column("value 数量", justify="right")
    labels = {
        "flagged": "flagged 待关怀",
        "selected": "get care 获得关怀",
        "moved_to_wait_for_contact": "  of them moved to wait-for-contact 改为守株待兔",
        "left_out": "without care 未关怀",
    }
    for key, label in labels.items():
        table.add_row(label, f"{summary.get(key, 0):,}")
    for group in ("by_strategy", "by_channel", "moved_by_reason", "left_out_by_reason"):
        for k, v in summary.get(group, {}).items():
            table.add_row(f"{group}: {k}", f"{v:,}")
    console.print(table)
    if summary.get("note"):
        console.print(f"[yellow]{summary['note']}[/yellow]")


def _list_key(key_file: Path | None, salt: str) -> str:
    """The HMAC key for hashes and dial tokens: --key-file, else CXRADAR_LIST_KEY, else --salt."""
    import os

    if key_file is not None:
        return key_file.read_text(encoding="utf-8").strip()
    return os.environ.get("CXRADAR_LIST_KEY", "") or salt


_KEY_FILE = click.option(
    "--key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="File holding the secret key for --ids hash and --dial-token (or set CXRADAR_LIST_KEY).",
)


@care.command("lists")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_MONTH
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the lists.",
)
@click.option(
    "--ids",
    "id_mode",
    type=click.Choice(["mask", "hash", "plain"]),
    default="mask",
    show_default=True,
    help="msisdn column as 138****1234 (mask), keyed HMAC-SHA256 (hash), or as is (plain, stays inside).",
)
@click.option(
    "--plain-for",
    "plain_for",
    multiple=True,
    type=click.Choice(["outbound", "sms", "app", "hall", "hotline"]),
    help="Give these channels' lists the full number to dial (lists for a dialer inside the "
    "system; repeat for several). The msisdn column stays masked.",
)
@click.option(
    "--dial-token",
    is_flag=True,
    help="Add a keyed token per row that the dialer resolves to the number with the same key "
    "('cxradar care tokens'); needs --key-file or CXRADAR_LIST_KEY.",
)
@_KEY_FILE
@click.option("--salt", default="", help="The key for --ids hash on the command line (prefer --key-file).")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "both"]), default="both", show_default=True
)
def lists(
    run_dir: Path,
    month: str,
    out_dir: Path,
    id_mode: str,
    plain_for: tuple[str, ...],
    dial_token: bool,
    key_file: Path | None,
    salt: str,
    fmt: str,
) -> None:
    """Write one list per channel and day for the campaign's treatment group.

    \b
    Example:  cxradar care lists runs/ --month 2026-10 --out lists/ --dial-token --key-file list.key
              cxradar care lists runs/ --month 2026-10 --out inside/ --plain-for outbound
    Writes OUT/YYYY-MM-DD/CHANNEL.csv (UTF-8 with BOM, opens in Excel) and/or .xlsx (frozen header,
    filters), with the segment and remedy in Chinese and English, the allowed hours, the suggested
    plan and its saving where the remedy promises one, the script, the reasons and the decision.
    Numbers are masked; the control group is never listed. Files get the documented output mode.
    """
    from cxradar.care.io import read_table, write_csv_bom, write_excel
    from cxradar.care.lists import channel_lists

    key = _list_key(key_file, salt)
    plan = read_table(run_dir / "care" / month / "care_plan.parquet")
    split = channel_lists(
        plan, id_mode=id_mode, salt=key, plain_for=plain_for, token_key=key if dial_token else None
    )
    with progress() as bar:
        task = bar.add_task("writing lists", total=len(split))
        for (channel, day), table in split.items():
            if fmt in ("csv", "both"):
                write_csv_bom(table, out_dir / day / f"{channel}.csv")
            if fmt in ("xlsx", "both"):
                write_excel({f"{channel} {day}": table}, out_dir / day / f"{channel}.xlsx")
            bar.update(task, advance=1)
    console.print(f"Wrote {len(split)} lists ({sum(len(t) for t in split.values()):,} rows) to {out_dir}")


@care.command("tokens")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_MONTH
@_KEY_FILE
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV to write: dial_token, msisdn (keep it inside the dialer's system).",
)
def tokens(run_dir: Path, month: str, key_file: Path | None, out: Path) -> None:
    """Resolve dial tokens: the token -> number table of the month's treatment group, for the dialer.

    \b
    Example:  cxradar care tokens runs/ --month 2026-10 --key-file list.key --out dialer/tokens.csv
    Writes OUT (CSV with BOM: dial_token, msisdn), using the same key as 'cxradar care lists
    --dial-token'. It holds full numbers: it is for the dialer inside the system, not for lists
    that leave it.
    """
    import pandas as pd

    from cxradar.care.io import read_table, write_csv_bom
    from cxradar.errors import ConfigError
    from cxradar.msisdn import dial_token

    key = _list_key(key_file, "")
    if not key:
        raise ConfigError("resolving tokens needs the key they were made with", fix="pass --key-file FILE")
    plan = read_table(run_dir / "care" / month / "care_plan.parquet")
    treated = plan.loc[plan["group"].eq("treatment"), "msisdn"].astype("string").drop_duplicates()
    table = pd.DataFrame({"dial_token": dial_token(treated, key).to_numpy(), "msisdn": treated.to_numpy()})
    write_csv_bom(table, out)
    console.print(f"Wrote {len(table):,} tokens to {out}")


def _pending_files(run_dir: Path) -> list[Path]:
    from cxradar.errors import StateError

    files = sorted((run_dir / "care").glob("*/pending_care.parquet"))
    if not files:
        raise StateError(
            f"{run_dir} holds no care/*/pending_care.parquet: it is not a run folder with care assigned",
            fix="pass the RUN_DIR of 'cxradar run' (or run 'cxradar care assign' first)",
        )
    return files


@care.command("pending")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--msisdn", required=True, help="The customer's 11-digit number.")
@click.option("--at", "at", default=None, help="Time of the contact (default: now), e.g. '2026-11-05 10:30'.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def pending(run_dir: Path, msisdn: str, at: str | None, as_json: bool) -> None:
    """Is this customer waiting for care? What should the channel do now?

    \b
    Example:  cxradar care pending runs/ --msisdn 13812345678 --at '2026-11-05 10:30'
    Reads RUN_DIR/care/*/pending_care.parquet; writes nothing.
    """
    import pandas as pd

    from cxradar.care.pending import lookup_pending
    from cxradar.io import read_frame

    when = pd.Timestamp(at) if at else pd.Timestamp.now()
    found = [
        lookup_pending(read_frame(p, table="pending_care"), msisdn, when) for p in _pending_files(run_dir)
    ]
    rows = pd.concat(found, ignore_index=True) if found else pd.DataFrame()
    if as_json:
        records = (
            json.loads(rows.to_json(orient="records", date_format="iso", force_ascii=False))
            if len(rows)
            else []
        )
        click.echo(json.dumps({"msisdn": msisdn, "at": str(when), "pending": records}, ensure_ascii=False))
        return
    if rows.empty:
        console.print(f"No pending care for {msisdn} at {when:%Y-%m-%d %H:%M}. 该客户当前无待关怀任务。")
        return
    for _, row in rows.iterrows():
        console.print(f"[bold]{row['care_id']}[/bold] expires 到期 {row['expires_at']:%Y-%m-%d}")
        console.print(f"  话术: {row['script_zh']}\n  script: {row['script_en']}")
        console.print(f"  依据: {row['decision_zh']}\n  why: {row['decision_en']}")


@care.command("deliver")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--msisdn", help="The customer who contacted a channel.")
@click.option(
    "--channel", type=click.Choice(["hall", "hotline", "app", "web", "wechat"]), help="Where they came in."
)
@click.option("--at", "at", default=None, help="Time of the contact (default: now).")
@click.option(
    "--outcome", type=click.Choice(["delivered", "refused"]), default="delivered", show_default=True
)
@click.option(
    "--contacts",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Instead of one customer: a contacts table (msisdn, at, channel) to apply in bulk.",
)
def deliver(
    run_dir: Path,
    msisdn: str | None,
    channel: str | None,
    at: str | None,
    outcome: str,
    contacts: Path | None,
) -> None:
    """Record that pending care was delivered (or refused) when the customer contacted a channel.

    \b
    Example:  cxradar care deliver runs/ --msisdn 13812345678 --channel hall --at '2026-11-05 10:30'
              cxradar care deliver runs/ --contacts data/contacts.parquet
    Updates RUN_DIR/care/MONTH/pending_care.parquet and the campaign's care_plan/care_actions
    (delivered_at, outcome) atomically; re-running with the same contacts changes nothing.
    """
    import pandas as pd

    from cxradar.care.io import read_table, write_parquet
    from cxradar.care.pending import deliver_from_contacts, record_delivery, sync_care_actions
    from cxradar.errors import DataError
    from cxradar.io import read_frame

    if contacts is None and not (msisdn and channel):
        raise DataError(
            "give --msisdn and --channel, or --contacts FILE", fix="see cxradar care deliver --help"
        )
    when = pd.Timestamp(at) if at else pd.Timestamp.now().floor("s")
    table = read_table(contacts, table="contacts", columns=("msisdn", "at", "channel")) if contacts else None
    changed = 0
    for path in _pending_files(run_dir):
        before = read_frame(path, table="pending_care")
        if table is not None:
            after = deliver_from_contacts(before, table)
        else:
            after, _ = record_delivery(before, str(msisdn), str(channel), when, outcome)
        n = int((after["status"] != before["status"]).sum())
        if n == 0:
            continue
        changed += n
        write_parquet(after, path)
        for name in ("care_plan.parquet", "care_actions.parquet"):
            target = path.parent / name
            if target.exists():
                write_parquet(sync_care_actions(read_frame(target, table=target.stem), after), target)
    console.print(f"Recorded {changed} deliver{'y' if changed == 1 else 'ies'} 已记录{changed}条关怀触达。")
