"""A corpus of input folders, one input class each, generated from the valid folder (conftest).

Every case writes a whole data folder and says, for the tables it touches, how many data rows it
wrote (counted here, independently of any parser) and what validation must report. The test
(test_corpus.py) checks rows in = accepted + quarantined for every table read, rows in = rows
written for every table the case wrote, and the expected status, rules and message.

Nothing is committed but this script: the files are written into a temporary folder per test.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tests.contract.conftest import valid_frames
from tests.contract.test_widetable import EXAMPLE, wide_frame

Frames = dict[str, pd.DataFrame]


@dataclass
class Expect:
    """What validation must say about one table."""

    status: str | set[str] = "ok"
    rows: int | None = None  # data rows written; None: not counted (unreadable)
    rules: set[str] = field(default_factory=set)  # rules that must appear in the quarantine
    message: str = ""  # must appear in the table's error
    accepted: int | None = None
    lines: set[tuple[str, int]] = field(default_factory=set)  # (rule, line) quarantine entries


@dataclass
class Case:
    usable: bool
    tables: dict[str, Expect]
    wide_table: Path | None = None
    mapping: Path | None = None
    note: str = ""  # must appear in the table's notes (first table of ``tables``)
    reason: str = ""  # must appear in the report's reasons


def _text(frame: pd.DataFrame, sep: str = ",", line_end: str = "\n") -> str:
    return frame.to_csv(index=False, sep=sep, lineterminator=line_end)


def write_folder(
    folder: Path, frames: Frames, *, skip: tuple[str, ...] = (), encoding: str = "utf-8"
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        if name not in skip:
            (folder / f"{name}.csv").write_bytes(_text(frame).encode(encoding))


def _rows(frames: Frames) -> dict[str, Expect]:
    return {name: Expect(rows=len(frame)) for name, frame in frames.items()}


def _plain(folder: Path, edit: Callable[[Frames], None] | None = None, encoding: str = "utf-8") -> Frames:
    frames = valid_frames()
    if edit is not None:
        edit(frames)
    write_folder(folder, frames, encoding=encoding)
    return frames


# ----------------------------------------------------------------------------- encodings, layout


def utf8(folder: Path) -> Case:
    return Case(True, _rows(_plain(folder)))


def utf8_bom(folder: Path) -> Case:
    return Case(True, _rows(_plain(folder, encoding="utf-8-sig")))


def gbk(folder: Path) -> Case:
    frames = _plain(folder, encoding="gbk")
    return Case(True, {"subscribers": Expect(rows=len(frames["subscribers"]))}, note="GB18030")


def gb18030_four_byte(folder: Path) -> Case:
    def edit(frames: Frames) -> None:
        frames["subscribers"].loc[0, "occupation"] = "㐀林𠀀"  # outside GBK

    frames = _plain(folder, edit, encoding="gb18030")
    return Case(True, {"subscribers": Expect(rows=len(frames["subscribers"]))})


def gbk_after_one_mebibyte(folder: Path) -> Case:
    """The first Chinese byte lies past 1 MiB: detection must read the whole file."""
    frames = valid_frames()
    n = 12_000
    base = frames["subscribers"].iloc[[0]].copy()
    extra = pd.concat([base] * n, ignore_index=True)
    extra["msisdn"] = [f"137{i:08d}" for i in range(n)]
    extra["district"] = "Haidian"
    extra["occupation"] = ""
    subs = pd.concat([extra, frames["subscribers"]], ignore_index=True)  # the Chinese rows come last
    frames["subscribers"] = subs
    write_folder(folder, frames, encoding="gbk")
    assert (folder / "subscribers.csv").read_bytes().find("海".encode("gbk")) > 1 << 20
    return Case(True, {"subscribers": Expect(rows=len(subs), accepted=len(subs))})


def utf16(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "subscribers.csv").write_bytes(_text(frames["subscribers"]).encode("utf-16"))
    return Case(True, {"subscribers": Expect(rows=len(frames["subscribers"]))}, note="UTF-16")


def crlf_and_quoted_newlines(folder: Path) -> Case:
    frames = _plain(folder)
    subs = frames["subscribers"].copy()
    subs.loc[1, "occupation"] = 'line one\r\nline "two", with comma\n\nand a blank line'
    subs.loc[3, "age"] = "abc"  # quarantined: its line number counts the quoted newlines above
    (folder / "subscribers.csv").write_bytes(_text(subs, line_end="\r\n").encode())
    return Case(
        False,
        {"subscribers": Expect(status="too_many_bad", rows=4, accepted=3, lines={("type", 8)})},
    )


def semicolon(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "subscribers.csv").write_text(_text(frames["subscribers"], sep=";"), encoding="utf-8")
    return Case(True, {"subscribers": Expect(rows=len(frames["subscribers"]))}, note="semicolon")


def tab(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "contacts.csv").write_text(_text(frames["contacts"], sep="\t"), encoding="utf-8")
    return Case(True, {"contacts": Expect(rows=len(frames["contacts"]))}, note="tab")


def _append_lines(path: Path, lines: list[str], at: int | None = None) -> None:
    text = path.read_text(encoding="utf-8").splitlines()
    if at is None:
        text += lines
    else:
        text[at:at] = lines
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


def too_many_and_too_few_fields(folder: Path) -> Case:
    frames = _plain(folder)
    contacts = frames["contacts"]
    # a fourth and a fifth row, one field too many and one too few, between the good rows
    _append_lines(
        folder / "contacts.csv",
        ["K8,13800000001,2026-09-02 08:00:00,hall,inquiry,4,,,EXTRA", "K9,13800000002,2026-09-03 08:00:00"],
        at=2,
    )
    return Case(
        False,
        {
            "contacts": Expect(
                status="too_many_bad",
                rows=len(contacts) + 2,
                accepted=len(contacts),
                lines={("malformed_line", 3), ("malformed_line", 4)},
            )
        },
    )


def blank_lines(folder: Path) -> Case:
    """Empty, space-only and delimiter-only lines are not rows, but they count as lines."""
    _plain(folder)
    _append_lines(folder / "contacts.csv", ["", "   ", ",,,,,"], at=2)
    _append_lines(folder / "contacts.csv", ["K7,13800000001,2026-09-02,hall,inquiry,11,,"])  # rating 11
    return Case(
        False,
        {"contacts": Expect(status="too_many_bad", rows=4, accepted=3, lines={("max", 8)})},
    )


def unclosed_quote(folder: Path) -> Case:
    _plain(folder)
    _append_lines(folder / "contacts.csv", ['K8,13800000001,2026-09-02 08:00:00,hall,"inquiry,4'], at=2)
    return Case(False, {"contacts": Expect(status="error", message="line 3")})


def mixed_encoding(folder: Path) -> Case:
    _plain(folder)
    path = folder / "subscribers.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_bytes("".join(lines[:4]).encode() + "".join(lines[4:]).encode("gbk"))
    return Case(False, {"subscribers": Expect(status="error", message="line 5")})


# ----------------------------------------------------------------------------- values


def non_finite_floats(folder: Path) -> Case:
    def edit(frames: Frames) -> None:
        usage = frames["usage_monthly"]  # data_mb has a minimum but no maximum: only finiteness stops inf
        usage.loc[0, "data_mb"] = "1e400"
        usage.loc[1, "data_mb"] = "inf"
        usage.loc[2, "data_mb"] = "1E999"
        usage.loc[3, "data_mb"] = "nan"  # missing: data_mb is not nullable

    frames = _plain(folder, edit)
    n = len(frames["usage_monthly"])
    return Case(
        False,
        {"usage_monthly": Expect(status="too_many_bad", rows=n, rules={"type", "not_null"}, accepted=n - 4)},
    )


def null_tokens(folder: Path) -> Case:
    def edit(frames: Frames) -> None:
        subs = frames["subscribers"]
        subs.loc[0, "group_id"] = "\\N"  # nullable: null
        subs.loc[1, "group_id"] = "NULL"
        subs.loc[2, "occupation"] = "nan"
        subs.loc[3, "age"] = " \\N "
        frames["contacts"].loc[0, "reason"] = "NULL"

    frames = _plain(folder, edit)
    n = len(frames["subscribers"])
    return Case(True, {"subscribers": Expect(rows=n, accepted=n), "contacts": Expect(rows=3, accepted=3)})


def null_token_in_required_column(folder: Path) -> Case:
    def edit(frames: Frames) -> None:
        frames["subscribers"].loc[1, "plan"] = "\\N"

    frames = _plain(folder, edit)
    n = len(frames["subscribers"])
    return Case(
        False, {"subscribers": Expect(status="too_many_bad", rows=n, rules={"not_null"}, accepted=n - 1)}
    )


# ----------------------------------------------------------------------------- tables and files


def header_only_required(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "complaints.csv").write_text(",".join(frames["complaints"].columns) + "\n", encoding="utf-8")
    return Case(False, {"complaints": Expect(status="empty", rows=0, message="has no rows")})


def header_only_optional(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "care_actions.csv").write_text(
        ",".join(frames["care_actions"].columns) + "\n", encoding="utf-8"
    )
    return Case(True, {"care_actions": Expect(rows=0)})


def empty_subscribers(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "subscribers.csv").write_text(",".join(frames["subscribers"].columns) + "\n", encoding="utf-8")
    n = len(frames["usage_monthly"])
    return Case(
        False,
        {
            "subscribers": Expect(status="empty", rows=0, message="subscribers"),
            "usage_monthly": Expect(status="warnings", rows=n, accepted=n),  # references skipped, not failed
        },
    )


def upper_case_header(folder: Path) -> Case:
    def edit(frames: Frames) -> None:
        frames["subscribers"] = frames["subscribers"].rename(columns={"msisdn": "MSISDN"})

    _plain(folder, edit)
    return Case(False, {"subscribers": Expect(status="error", message="The file has 'MSISDN'")})


def upper_case_suffix(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "subscribers.csv").rename(folder / "subscribers.CSV")
    return Case(True, {"subscribers": Expect(rows=len(frames["subscribers"]))})


def other_case_stem(folder: Path) -> Case:
    _plain(folder)
    (folder / "subscribers.csv").rename(folder / "Subscribers.csv")
    return Case(False, {"subscribers": Expect(status="missing", message="Found Subscribers.csv")})


def parquet_bytes_in_csv(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "subscribers.csv").unlink()
    pq.write_table(pa.Table.from_pandas(frames["subscribers"]), folder / "subscribers.csv")
    return Case(False, {"subscribers": Expect(status="error", message="is a Parquet file")})


def xlsx_bytes_in_csv(folder: Path) -> Case:
    frames = _plain(folder)
    frames["contacts"].to_excel(folder / "contacts.csv", index=False, engine="openpyxl")
    return Case(False, {"contacts": Expect(status="error", message="Excel workbook")})


def folder_named_csv(folder: Path) -> Case:
    _plain(folder)
    (folder / "contacts.csv").unlink()
    (folder / "contacts.csv").mkdir()
    return Case(False, {"contacts": Expect(status="error", message="is a folder")})


def parquet_files(folder: Path) -> Case:
    frames = valid_frames()
    folder.mkdir(parents=True)
    for name, frame in frames.items():
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / f"{name}.parquet")
    return Case(True, _rows(frames))


def parquet_parts(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "usage_monthly.csv").unlink()
    parts = folder / "usage_monthly"
    parts.mkdir()
    usage = frames["usage_monthly"]
    for i, chunk in enumerate((usage.iloc[:5], usage.iloc[5:])):
        pq.write_table(pa.Table.from_pandas(chunk, preserve_index=False), parts / f"part-{i}.parquet")
    return Case(True, {"usage_monthly": Expect(rows=len(usage))})


def truncated_parquet(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "contacts.csv").unlink()
    pq.write_table(pa.Table.from_pandas(frames["contacts"]), folder / "contacts.parquet")
    data = (folder / "contacts.parquet").read_bytes()
    (folder / "contacts.parquet").write_bytes(data[: len(data) // 2])
    return Case(False, {"contacts": Expect(status="error", message="truncated or corrupt")})


def time_zone_parquet(folder: Path) -> Case:
    frames = _plain(folder)
    (folder / "contacts.csv").unlink()
    contacts = frames["contacts"].copy()
    contacts["at"] = pd.to_datetime(contacts["at"]).dt.tz_localize("Asia/Shanghai")
    contacts["rating"] = pd.to_numeric(contacts["rating"])
    pq.write_table(pa.Table.from_pandas(contacts, preserve_index=False), folder / "contacts.parquet")
    return Case(False, {"contacts": Expect(status="error", message="time-zone-aware")})


def duplicates_and_references(folder: Path) -> Case:
    def edit(frames: Frames) -> None:
        contacts = frames["contacts"]
        frames["contacts"] = pd.concat([contacts, contacts.iloc[[0]]], ignore_index=True)  # duplicate id
        frames["complaints"].loc[1, "msisdn"] = "13999999999"  # not a subscriber

    _plain(folder, edit)
    return Case(
        False,
        {
            "contacts": Expect(status="too_many_bad", rows=4, rules={"duplicate_key"}, accepted=3),
            "complaints": Expect(status="too_many_bad", rows=2, rules={"reference"}, accepted=1),
        },
    )


def malformed_optional_table(folder: Path) -> Case:
    frames = _plain(folder)
    _append_lines(
        folder / "care_actions.csv",
        ["A2,13800000001,c1,proactive_outreach,outbound,2026-10-01 09:00:00,treatment,,delivered,EXTRA"],
    )
    n = len(frames["care_actions"])
    return Case(
        False,  # one line of two quarantined: over the 5 % limit, and said so
        {"care_actions": Expect(status="too_many_bad", rows=n + 1, rules={"malformed_line"}, accepted=n)},
    )


def unreadable_optional_table(folder: Path) -> Case:
    _plain(folder)
    (folder / "care_actions.csv").write_bytes(b"PAR1garbage")
    return Case(
        False, {"care_actions": Expect(status="error", message="is a Parquet file")}, reason="optional"
    )


def wide_table_with_absent_months(folder: Path) -> Case:
    frames = valid_frames()
    write_folder(folder, frames, skip=("subscribers", "usage_monthly"))
    wide = wide_frame()
    joined_late = [
        c for c in wide.columns if c.endswith(("_202608", "_202609")) or c in ("前2月ARPU", "上月ARPU")
    ]
    wide.loc[3, joined_late] = ""  # the fourth line joined in 2026-10: two absent months
    wide.loc[2, "流量MB_202610"] = ""  # a month with one value missing is a row with a problem
    path = folder.parent / "kuanbiao.csv"
    path.write_bytes(_text(wide).encode("gbk"))
    mapping = folder.parent / "mapping.yaml"
    shutil.copy(EXAMPLE, mapping)
    return Case(
        False,  # the one not_null row is 1/10 of usage_monthly
        {
            "usage_monthly": Expect(status="too_many_bad", rows=10, rules={"not_null"}, accepted=9),
            "subscribers": Expect(rows=4, accepted=4),
        },
        wide_table=path,
        mapping=mapping,
        note="absent months",
    )


CASES: dict[str, Callable[[Path], Case]] = {
    f.__name__: f
    for f in (
        utf8,
        utf8_bom,
        gbk,
        gb18030_four_byte,
        gbk_after_one_mebibyte,
        utf16,
        crlf_and_quoted_newlines,
        semicolon,
        tab,
        too_many_and_too_few_fields,
        blank_lines,
        unclosed_quote,
        mixed_encoding,
        non_finite_floats,
        null_tokens,
        null_token_in_required_column,
        header_only_required,
        header_only_optional,
        empty_subscribers,
        upper_case_header,
        upper_case_suffix,
        other_case_stem,
        parquet_bytes_in_csv,
        xlsx_bytes_in_csv,
        folder_named_csv,
        parquet_files,
        parquet_parts,
        truncated_parquet,
        time_zone_parquet,
        duplicates_and_references,
        malformed_optional_table,
        unreadable_optional_table,
        wide_table_with_absent_months,
    )
}
