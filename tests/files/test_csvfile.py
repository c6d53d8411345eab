"""The streaming CSV reader against an independent reference: Python's csv module.

For random files - quoted delimiters, quotes and newlines in values, Chinese text, lines with too
many or too few fields, blank and delimiter-only lines, several blocks - every row comes out with
the values, data row and physical line the csv module gives it, and every bad line is reported
with its row, line and field count. Nothing is lost: good rows + bad lines = records with content.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxradar.errors import UnreadableFileError
from cxradar.io import inspect_csv, read_csv_raw, stage_csv
from cxradar.io.csvfile import csv_batches

HEADER = ["a", "b", "c"]
_CELL = st.text(alphabet=st.sampled_from(list('xy1,"\n中文 ')), min_size=1, max_size=6).filter(
    lambda s: s.strip() != ""
)
_LINE = st.one_of(
    st.tuples(st.just("row"), st.lists(_CELL, min_size=3, max_size=3)),
    st.tuples(st.just("short"), st.lists(_CELL, min_size=1, max_size=2)),
    st.tuples(st.just("long"), st.lists(_CELL, min_size=4, max_size=5)),
    st.tuples(st.just("blank"), st.sampled_from([[], [""] * 3, [""] * 5])),
)


def _write(lines: list[tuple[str, list[str]]], crlf: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(HEADER)
    for _kind, fields in lines:
        if fields:
            writer.writerow(fields)
        else:
            buffer.write("\r\n" if crlf else "\n")
    return buffer.getvalue()


def _reference(text: str) -> tuple[list[tuple[int, int, list[str]]], list[tuple[int, int, int]]]:
    """(row, line, values) of good rows and (row, line, fields) of bad lines, by the csv module."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    good, bad, row, start = [], [], 0, 2
    for fields in reader:
        if all(not f.strip() for f in fields):
            start = reader.line_num + 1
            continue
        row += 1
        if len(fields) == len(HEADER):
            good.append((row, start, fields))
        else:
            bad.append((row, start, len(fields)))
        start = reader.line_num + 1
    return good, bad


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(_LINE, max_size=40), crlf=st.booleans(), block=st.sampled_from([64, 256, 1 << 20]))
def test_rows_lines_and_bad_lines_match_the_csv_module(
    tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[str, list[str]]], crlf: bool, block: int
) -> None:
    text = _write(lines, crlf)
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    good, bad = _reference(text)
    layout = inspect_csv(path)
    found_bad: list = []
    got = []
    for batch in csv_batches(layout, found_bad, block_size=max(block, len(text.encode()) // 4 + 64)):
        data = batch.to_pydict()
        for i in range(batch.num_rows):
            got.append((data["__row"][i], data["__line"][i], [data[c][i] or "" for c in HEADER]))
    assert [(r, ln, [v.replace("\r\n", "\n") for v in vs]) for r, ln, vs in got] == [
        (r, ln, [v.replace("\r\n", "\n") for v in vs]) for r, ln, vs in good
    ]
    assert [(b.row, b.line, b.fields) for b in found_bad] == bad
    assert all(b.expected == 3 for b in found_bad)


def test_staged_parquet_keeps_rows_and_positions(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n", encoding="utf-8")
    staged = stage_csv(path, tmp_path / "t.parquet")
    table = pq.read_table(staged.parquet)
    assert table.column("a").to_pylist() == ["1", "6"]
    assert table.column("__row").to_pylist() == [1, 3] and table.column("__line").to_pylist() == [2, 4]
    assert [(b.row, b.line, b.text) for b in staged.bad_lines] == [(2, 3, "4,5")]


def test_whole_table_reading_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,2\n"x\ny",3\n5,6,7\n', encoding="utf-8")
    with pytest.raises(UnreadableFileError, match=r"line 5 \(row 3\) has 3 fields, the header has 2"):
        read_csv_raw(path)


def test_unclosed_quote_names_the_line_where_it_opened(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,2\n3,"open\n5,6\n7,8\n', encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="line 3: a quoted value opens here"):
        inspect_csv(path)
    path.write_text('a,b\n1,12" screen\n3,4\n', encoding="utf-8")  # a literal quote is not an opening
    assert read_csv_raw(path).column("b").to_pylist() == ['12" screen', "4"]


@pytest.mark.parametrize(("sep", "word"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_delimiter_is_detected_from_the_header_and_said(tmp_path: Path, sep: str, word: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"msisdn{sep}name\n13800000001{sep}张三, 李四\n", encoding="utf-8")
    layout = inspect_csv(path)
    assert layout.delimiter == sep and layout.header == ("msisdn", "name")
    assert any(word in n for n in layout.notes)
    assert read_csv_raw(path).column("name").to_pylist() == ["张三, 李四"]


def test_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="no header row"):
        inspect_csv(path)
    path.write_text("a,,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="column 2 of the header has no name"):
        inspect_csv(path)
    with pytest.raises(UnreadableFileError, match="is a folder"):
        inspect_csv(tmp_path)
