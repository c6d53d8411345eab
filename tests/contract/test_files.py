"""Reading files: UTF-8 (BOM or not), GBK and GB18030 CSV (detected and explicit), Parquet files and
folders, truncated Parquet, undecodable CSV, missing files and columns; atomic writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.contract.conftest import AS_OF, valid_frames

from cxradar.contract import read_table, validate_dir
from cxradar.engine.files import (
    atomic_output_dir,
    atomic_write_parquet,
    atomic_write_text,
    detect_encoding,
    find_table_file,
    read_csv_raw,
    read_table_file,
)
from cxradar.errors import DataQualityError, MissingColumnError, UnreadableFileError

CHINESE = pd.DataFrame(
    {"name": ["张三", "李四", "王五"], "district": ["海淀区", "朝阳区", ""], "n": ["1", "2", "3"]}
)


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = tmp_path / "t.csv"
    CHINESE.to_csv(path, index=False, encoding=encoding)
    assert detect_encoding(path) == detected
    table = read_csv_raw(path)
    assert table.column_names == ["name", "district", "n"]
    assert table.column("name").to_pylist() == ["张三", "李四", "王五"]
    assert table.column("district").to_pylist() == ["海淀区", "朝阳区", None]  # blank = null
    assert table.schema.field("n").type == pa.string()  # raw strings, never inferred


def test_gb18030_only_characters_need_gb18030(tmp_path: Path) -> None:
    # U+3400 and U+20000 are outside GBK; GB18030 encodes them in four bytes.
    path = tmp_path / "t.csv"
    pd.DataFrame({"name": ["㐀林", "𠀀华"]}).to_csv(path, index=False, encoding="gb18030")
    assert read_csv_raw(path).column("name").to_pylist() == ["㐀林", "𠀀华"]
    assert read_csv_raw(path, "gb18030").column("name").to_pylist() == ["㐀林", "𠀀华"]
    with pytest.raises(UnreadableFileError, match="--encoding gb18030"):
        read_csv_raw(path, "gbk")


def test_wrong_explicit_encoding_names_the_file_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    CHINESE.to_csv(path, index=False, encoding="gbk")
    with pytest.raises(UnreadableFileError, match=r"t\.csv.*--encoding gbk"):
        read_csv_raw(path, "utf-8")


def test_gbk_folder_validates_with_chinese_values(make_data: Callable[..., Path]) -> None:
    data = make_data(encoding="gbk")
    for enc in (None, "gbk", "gb18030"):
        out = data.parent / f"out-{enc}"
        report = validate_dir(data, out, as_of=AS_OF, encoding=enc)
        assert report.usable and report.quarantined == 0, report.reasons
        subs = pd.read_parquet(out / "accepted" / "subscribers.parquet")
        assert list(subs["district"]) == ["海淀区", "朝阳区", "东城区", "海淀区"]


def test_parquet_file_and_folder_of_parts(tmp_path: Path) -> None:
    frames = valid_frames()
    data = tmp_path / "data"
    data.mkdir()
    for name, frame in frames.items():
        if name == "usage_monthly":
            typed = frame.astype({"spend": float, "sms_count": "int64", "voice_minutes": float})
            (data / name).mkdir()
            pq.write_table(
                pa.Table.from_pandas(typed.iloc[:6], preserve_index=False), data / name / "part-0.parquet"
            )
            pq.write_table(
                pa.Table.from_pandas(typed.iloc[6:], preserve_index=False), data / name / "part-1.parquet"
            )
        else:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), data / f"{name}.parquet")
    report = validate_dir(data, tmp_path / "out", as_of=AS_OF)
    assert report.usable and report.quarantined == 0, report.reasons
    assert report.tables["usage_monthly"].accepted == 12
    usage = read_table(tmp_path / "out" / "accepted", "usage_monthly")
    assert len(usage) == 12 and usage["sms_count"].dtype == "int64"
    assert find_table_file(data, "usage_monthly") == data / "usage_monthly"


def test_parquet_row_numbers_point_at_the_part(tmp_path: Path) -> None:
    frames = valid_frames()
    frames["usage_monthly"].loc[7, "spend"] = "-5"
    data = tmp_path / "data"
    data.mkdir()
    for name, frame in frames.items():
        if name == "usage_monthly":
            (data / name).mkdir()
            pq.write_table(
                pa.Table.from_pandas(frame.iloc[:6], preserve_index=False), data / name / "a.parquet"
            )
            pq.write_table(
                pa.Table.from_pandas(frame.iloc[6:], preserve_index=False), data / name / "b.parquet"
            )
        else:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), data / f"{name}.parquet")
    validate_dir(data, tmp_path / "out", as_of=AS_OF)
    q = pd.read_csv(tmp_path / "out" / "quarantine" / "usage_monthly.csv", encoding="utf-8-sig", dtype=str)
    assert q.loc[0, "file"].endswith("b.parquet") and q.loc[0, "row"] == "2" and q.loc[0, "rule"] == "min"


def test_truncated_parquet_is_a_clear_error(make_data: Callable[..., Path]) -> None:
    data = make_data()
    (data / "cells.csv").unlink()
    whole = data.parent / "cells.parquet"
    pq.write_table(pa.Table.from_pandas(valid_frames()["cells"]), whole)
    (data / "cells.parquet").write_bytes(whole.read_bytes()[:-40])
    with pytest.raises(UnreadableFileError, match=r"cells\.parquet.*truncated or corrupt.*re-export"):
        read_table_file(data / "cells.parquet")
    report = validate_dir(data, data.parent / "out", as_of=AS_OF)
    assert not report.usable
    assert report.tables["cells"].status == "error"
    assert "cells.parquet" in (report.tables["cells"].error or "")


def test_missing_required_column_names_file_column_and_closest(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        frames["usage_monthly"] = frames["usage_monthly"].rename(columns={"spend": "spend_cny"})

    data = make_data(edit)
    with pytest.raises(MissingColumnError) as info:
        read_table(data, "usage_monthly")
    message = str(info.value)
    assert "usage_monthly.csv" in message and "'spend'" in message and "Did you mean 'spend_cny'?" in message
    assert "fix:" in message
    report = validate_dir(data, data.parent / "out", as_of=AS_OF)
    assert not report.usable and report.tables["usage_monthly"].status == "error"
    assert any("spend_cny" in r for r in report.reasons)


def test_missing_required_table_and_absent_optional_table(make_data: Callable[..., Path]) -> None:
    data = make_data()
    (data / "contacts.csv").unlink()
    (data / "care_actions.csv").unlink()
    out = data.parent / "out"
    report = validate_dir(data, out, as_of=AS_OF)
    assert report.tables["contacts"].status == "missing" and not report.usable
    assert report.tables["care_actions"].status == "absent"
    empty = pq.read_table(out / "accepted" / "care_actions.parquet")
    assert empty.num_rows == 0 and empty.column_names[0] == "id"
    assert str(empty.schema.field("assigned_at").type) == "timestamp[us]"


def test_read_table_refuses_values_that_do_not_parse(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        frames["cells"].loc[1, "drop_rate"] = "n/a"

    with pytest.raises(DataQualityError, match=r"row 2, column 'drop_rate'.*'n/a'"):
        read_table(make_data(edit), "cells")


def test_atomic_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    atomic_write_text("你好\n", tmp_path / "a.txt")
    atomic_write_parquet(pd.DataFrame({"x": [1, 2]}), tmp_path / "b.parquet")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "你好\n"
    assert pq.read_table(tmp_path / "b.parquet").column("x").to_pylist() == [1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.parquet"]


def test_atomic_output_dir_keeps_the_old_folder_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_output_dir(out) as tmp:
        (tmp / "good.txt").write_text("1")
    with pytest.raises(RuntimeError), atomic_output_dir(out) as tmp:
        (tmp / "half.txt").write_text("2")
        raise RuntimeError("crash")
    assert [p.name for p in out.iterdir()] == ["good.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_header_spaces_are_trimmed_and_ragged_rows_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(" a ,b\n1,2\n", encoding="utf-8")
    table = read_csv_raw(path)
    assert table.column_names == ["a", "b"] and table.column("a").to_pylist() == ["1"]
    path.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match=r"t\.csv is not a well-formed CSV"):
        read_csv_raw(path)


def test_a_parquet_file_that_already_is_the_accepted_table_is_copied_as_it_is(tmp_path: Path) -> None:
    """Simulator output is typed per the contract: every table that passes unchanged is copied byte
    for byte; one null token ('NULL' in an optional text column) or a NaN makes it go through the
    parse-and-COPY path, which turns them into NULL (the values a copy would have got wrong)."""
    import filecmp

    import numpy as np

    from cxradar.simulate import simulate

    data = tmp_path / "data"
    simulate(1_500, 3, 7, data)
    report = validate_dir(data, tmp_path / "clean", as_of=AS_OF)
    assert report.usable and report.quarantined == 0, report.reasons
    accepted = tmp_path / "clean" / "accepted"
    for name in ("subscribers", "usage_monthly", "subscriber_cells", "contacts"):
        assert filecmp.cmp(data / f"{name}.parquet", accepted / f"{name}.parquet", shallow=False), name

    subs = pq.read_table(data / "subscribers.parquet").to_pandas()
    subs.loc[3, "occupation"] = "NULL"  # a null token of the contract (conf/contract/_reading.yaml)
    usage = pq.read_table(data / "usage_monthly.parquet")
    spend = usage.column("spend").to_numpy().copy()
    spend[5] = np.nan
    schema = pq.read_schema(data / "subscribers.parquet")
    pq.write_table(
        pa.Table.from_pandas(subs, schema=schema, preserve_index=False), data / "subscribers.parquet"
    )
    pq.write_table(
        usage.set_column(usage.schema.get_field_index("spend"), "spend", pa.array(spend)),
        data / "usage_monthly.parquet",
    )
    report = validate_dir(data, tmp_path / "tokens", as_of=AS_OF)
    changed = tmp_path / "tokens" / "accepted"
    assert not filecmp.cmp(data / "subscribers.parquet", changed / "subscribers.parquet", shallow=False)
    out = read_table(changed, "subscribers")
    assert (
        pd.isna(out.loc[3, "occupation"])
        and out["occupation"].notna().sum() == len(out) - 1 - subs["occupation"].isna().sum()
    )
    assert (
        report.tables["usage_monthly"].quarantined + report.tables["usage_monthly"].accepted == usage.num_rows
    )
    assert not filecmp.cmp(data / "usage_monthly.parquet", changed / "usage_monthly.parquet", shallow=False)
    if report.tables["usage_monthly"].quarantined == 0:  # spend is optional: NaN is kept as NULL
        assert read_table(changed, "usage_monthly")["spend"].isna().sum() == 1
    # the copy and the COPY path agree on every value of the clean tables
    assert filecmp.cmp(data / "contacts.parquet", changed / "contacts.parquet", shallow=False)
