"""Encoding over the whole file, non-text files named as what they are, the one reader (read_frame,
load_frame), finding tables, keeping outputs off inputs, and the one atomic writer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxradar.errors import MissingColumnError, OutputError, UnreadableFileError
from cxradar.io import (
    atomic_path,
    atomic_write_json,
    find_table_file,
    guard_output,
    load_frame,
    read_frame,
    scan_text,
)


def test_gbk_after_the_first_mebibyte_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n" + b"x,1\n" * 300_000 + "海淀,2\n".encode("gbk"))
    assert path.stat().st_size > 1 << 20
    scan = scan_text(path)
    assert scan.encoding == "gb18030" and scan.lines == 300_002


def test_the_first_undecodable_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(("a,b\n" + "海淀,1\n" * 50).encode() + b"\xff\xfe,2\n")
    with pytest.raises(UnreadableFileError, match="not utf-8 from line 52"):
        scan_text(path)
    with pytest.raises(
        UnreadableFileError, match=r"not gbk from line 52.*--encoding utf-8 or --encoding gb18030"
    ):
        scan_text(path, "gbk")


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"PAR1\x15\x04", "a Parquet file"),
        (b"PK\x03\x04rest", "Excel workbook"),
        (b"\x1f\x8b\x08", "gzip"),
    ],
)
def test_binary_files_are_named(tmp_path: Path, head: bytes, what: str) -> None:
    path = tmp_path / "subscribers.csv"
    path.write_bytes(head + b"\x00" * 20)
    with pytest.raises(UnreadableFileError, match=what):
        scan_text(path)


def test_utf16_with_and_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("msisdn,区县\n13800000001,海淀\n".encode("utf-16"))
    assert scan_text(path).encoding == "utf-16"
    assert read_frame(path)["区县"].tolist() == ["海淀"]
    path.write_bytes("msisdn,区县\n13800000001,海淀\n".encode("utf-16-le"))
    assert scan_text(path).encoding == "utf-16-le"


def test_read_frame_types_like_pandas_and_reads_null_tokens(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "msisdn,n,x,flag,text\n13800000001,1,1.5,True,a\n13800000002,\\N,NULL,False,NaN\n", encoding="utf-8"
    )
    frame = read_frame(path)
    reference = pd.read_csv(path, dtype={"msisdn": "string"}, na_values=["\\N"])
    assert frame.dtypes.astype(str).tolist() == reference.dtypes.astype(str).tolist()
    assert frame["msisdn"].tolist() == ["13800000001", "13800000002"]
    assert frame["x"].isna().tolist() == [False, True] and frame["text"].isna().tolist() == [False, True]
    with pytest.raises(MissingColumnError, match=r"has no column 'nn'. Did you mean 'n'"):
        read_frame(path, columns=["nn"])


def test_read_frame_parquet_columns_filters_and_corruption(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"msisdn": ["1", "2"], "v": [1, 2]}), path)
    assert read_frame(path, columns=["v", "w"], only_present=True, filters=[("v", ">", 1), ("w", "=", 0)])[
        "v"
    ].tolist() == [2]
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(UnreadableFileError, match=r"table 't'.*truncated or corrupt.*fix: re-run"):
        read_frame(path, fix="re-run the step")


def test_finding_tables(tmp_path: Path) -> None:
    (tmp_path / "subscribers.CSV").write_text("msisdn\n1\n", encoding="utf-8")
    assert find_table_file(tmp_path, "subscribers") == tmp_path / "subscribers.CSV"
    (tmp_path / "Contacts.csv").write_text("id\n1\n", encoding="utf-8")
    assert find_table_file(tmp_path, "contacts") is None
    with pytest.raises(UnreadableFileError, match=r"Found Contacts.csv"):
        load_frame(tmp_path, "contacts")
    assert load_frame(tmp_path, "contacts", required=False) is None
    (tmp_path / "cells.csv").mkdir()
    with pytest.raises(UnreadableFileError, match="is a folder, not a CSV file"):
        find_table_file(tmp_path, "cells")
    (tmp_path / "subscribers.parquet").write_bytes(b"")
    with pytest.raises(UnreadableFileError, match="several files"):
        find_table_file(tmp_path, "subscribers")


def test_outputs_stay_off_inputs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with pytest.raises(OutputError, match="is the input"):
        guard_output(data, [data])
    with pytest.raises(OutputError, match="contains the input"):
        guard_output(tmp_path, [data], owned=True)
    guard_output(tmp_path, [data])  # writing files beside the data folder is fine
    with pytest.raises(OutputError, match="keeps table 'subscribers'"):
        guard_output(data / "subscribers.parquet", [data], tables=["subscribers"])
    guard_output(data / "_validated", [data], tables=["subscribers"])  # beside the tables is fine
    guard_output(tmp_path / "run", [data, None], owned=True)
    table = data / "t.csv"
    table.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(OutputError, match="is the input"):
        guard_output(table, [table])  # e.g. model score t.csv --out t.csv


def test_atomic_path_keeps_the_old_file_and_names_unwritable_targets(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    atomic_write_json({"a": 1}, target)
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("killed")
    assert target.read_text(encoding="utf-8") == '{\n  "a": 1\n}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    with pytest.raises(OutputError, match=r"cannot write .*fix: a file stands where a folder is needed"):
        atomic_write_json({}, target / "inside.json")
    with pytest.raises(OutputError, match="is a folder"):
        atomic_write_json({}, tmp_path)
