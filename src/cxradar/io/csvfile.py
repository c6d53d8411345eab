"""CSV files read streaming, as raw strings, with every row's file row and line - and no row lost.

:func:`inspect_csv` checks a file once before it is parsed: the encoding over the whole file
(:mod:`cxradar.io.encoding`), the header (trimmed; blank or repeated names are an error), the
delimiter (comma, or what the header shows: semicolon, tab, pipe - said in ``notes``) and an
unclosed quote, named by the line where it opened (otherwise the rest of the file would become
one value).

:func:`csv_batches` then parses the file block by block with pyarrow (memory stays at one block),
every column as a string, and adds ``__row`` (1-based data row) and ``__line`` (physical line;
the header is line 1, quoted newlines and blank lines count). A line with more or fewer fields
than the header is not a reason to refuse the file: it is reported as a :class:`BadLine` (row,
line, field count, raw text) for the caller to quarantine, and the other rows are kept. A line
with no content - empty, spaces only, or only delimiters (Excel's trailing ``,,,,`` rows) - is
not a row: it is skipped, but still counts for the line numbers of the rows after it.

Why not pyarrow's row numbers alone: they count records, not lines, and its threaded reader
reports none; the reader here runs single-threaded and re-derives both numbers from the record
numbers, the quoted newlines of each row and the skipped lines, vectorised per block.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cxradar.errors import UnreadableFileError
from cxradar.io.encoding import scan_text

__all__ = ["BadLine", "CsvLayout", "StagedCsv", "csv_batches", "inspect_csv", "read_csv_raw", "stage_csv"]

POSITIONS = ("__row", "__line")
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_BLOCK = 1 << 24
_TEXT_KEPT = 500


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is to be parsed."""

    path: Path
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    lines: int
    notes: tuple[str, ...] = ()
    quoted: bool = True  # the file has quote characters (else no value holds a newline)


@dataclass(frozen=True)
class BadLine:
    """A line whose number of fields differs from the header's."""

    row: int
    line: int
    fields: int
    expected: int
    text: str

    def problem(self) -> str:
        return f"has {self.fields} field{'s' if self.fields != 1 else ''}, the header has {self.expected}"


@dataclass
class StagedCsv:
    """A CSV file copied to Parquet (raw strings + positions) for repeated SQL scans."""

    layout: CsvLayout
    parquet: Path
    rows: int
    bad_lines: list[BadLine] = field(default_factory=list)


def _first_line(path: Path, encoding: str) -> str:
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    return text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")


def _fields(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _delimiter(line: str) -> str:
    counts = {d: len(_fields(line, d)) - 1 for d in _DELIMITERS}
    if counts[","] > 0:
        return ","
    best = max((";", "\t", "|"), key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _unclosed_quote_line(path: Path, encoding: str, delimiter: str) -> int | None:
    """The line where a quoted value opens that no quote closes (Python's csv module, strict)."""
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        start = 1
        while True:
            try:
                next(reader)
            except StopIteration:
                return None
            except csv.Error as error:
                if "unexpected end of data" in str(error):
                    return start
            start = reader.line_num + 1


def inspect_csv(path: Path, encoding: str | None = None, delimiter: str | None = None) -> CsvLayout:
    """Check ``path`` (see the module docstring) and say how to parse it."""
    path = Path(path)
    if path.is_dir():
        raise UnreadableFileError(f"{path} is a folder, not a CSV file", fix="pass the CSV file itself")
    if not path.is_file():
        raise UnreadableFileError(f"{path} does not exist", fix="check the path and the file name")
    try:
        scan = scan_text(path, encoding)
        first = _first_line(path, scan.encoding)
    except PermissionError as error:
        raise UnreadableFileError(
            f"{path} cannot be read (permission denied)", fix="check its permissions"
        ) from error
    notes: list[str] = []
    if delimiter is None:
        delimiter = _delimiter(first)
        if delimiter != ",":
            notes.append(f"read as {_DELIMITERS[delimiter]}-separated (detected from the header)")
    header = tuple(h.strip() for h in _fields(first, delimiter))
    if not header or all(not h for h in header):
        raise UnreadableFileError(f"{path} has no header row", fix="add a header line with the column names")
    if any(not h for h in header):
        raise UnreadableFileError(
            f"{path}: column {header.index('') + 1} of the header has no name",
            fix="name every column in the header line",
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise UnreadableFileError(
            f"{path} has the column(s) {', '.join(dupes)} more than once in its header",
            fix="rename or drop the duplicated columns",
        )
    if scan.odd_quotes:
        opened = _unclosed_quote_line(path, scan.encoding, delimiter)
        if opened is not None:
            raise UnreadableFileError(
                f"{path} line {opened}: a quoted value opens here and no quote closes it "
                f"(the rest of the file would be read as one value)",
                fix=f'close the quote on line {opened}, or write a quote inside a value as two quotes ("")',
            )
    return CsvLayout(path, scan.encoding, delimiter, header, scan.lines, tuple(notes), scan.quotes > 0)


def _arrow_encoding(encoding: str) -> str:
    return "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding  # Arrow skips a UTF-8 BOM itself


class _Positions:
    """Turns pyarrow record numbers (header = 1, blank lines included) into data rows and lines."""

    def __init__(self, expected: int, delimiter: str, quoted: bool = True) -> None:
        self.quoted = quoted
        self.expected = expected
        self.delimiter = delimiter
        self.pending: list[tuple[int, int, str]] = []  # (record, fields, text) of skipped records
        self.next_record = 2
        self.newlines = 0  # quoted newlines in all records before next_record
        self.blanks = 0  # blank lines before next_record

    def _blank(self, text: str) -> bool:
        """A skipped record without content: every field empty or spaces (e.g. ``,,,,,,``)."""
        fields = [
            f for row in csv.reader(text.splitlines(keepends=True), delimiter=self.delimiter) for f in row
        ]
        return all(not f.strip() for f in fields)

    def handler(self, row: pacsv.InvalidRow) -> str:
        self.pending.append((int(row.number), int(row.actual_columns), str(row.text)))
        return "skip"

    def place(self, batch: pa.RecordBatch) -> tuple[np.ndarray, np.ndarray, list[BadLine], np.ndarray]:
        """Data row and line of each kept row of ``batch`` (the next rows of the file), the bad
        lines among the records it spans, and which rows of ``batch`` are kept (not blank)."""
        n = batch.num_rows
        skipped = {r for r, _, _ in self.pending}
        span = np.arange(self.next_record, self.next_record + n + len(skipped), dtype=np.int64)
        records = span[~np.isin(span, np.fromiter(skipped, np.int64, len(skipped)))][:n]
        extra = np.zeros(n, dtype=np.int64)
        for column in batch.columns if self.quoted else ():  # unquoted values hold no newline
            counts = pc.fill_null(pc.count_substring(column, "\n"), 0)
            extra += counts.to_numpy(zero_copy_only=False).astype(np.int64)
        empty = np.zeros(n, dtype=bool)
        if batch.num_columns and batch.column(0).null_count:  # a blank line is null everywhere
            empty = np.ones(n, dtype=bool)
            for column in batch.columns:
                empty &= column.is_null().to_numpy(zero_copy_only=False)
        end = int(records[-1]) if n else self.next_record - 1
        keep = ~empty
        if not keep.all():  # blank records: not rows, but lines
            self.pending += [(int(r), 0, "") for r in records[empty]]
        rows, lines, bad = self._merge(records[keep], extra[keep], end)
        return rows, lines, bad, keep

    def flush(self) -> list[BadLine]:
        """Bad lines after the last good row."""
        _rows, _lines, bad = self._merge(np.zeros(0, np.int64), np.zeros(0, np.int64), None)
        return bad

    def _merge(
        self, records: np.ndarray, extra: np.ndarray, end: int | None
    ) -> tuple[np.ndarray, np.ndarray, list[BadLine]]:
        taken = [p for p in self.pending if end is None or p[0] <= end]
        self.pending = [p for p in self.pending if not (end is None or p[0] <= end)]
        if not taken:  # the usual block: no skipped record, rows in order
            before = self.newlines + np.cumsum(extra) - extra
            self.newlines += int(extra.sum())
            if len(records):
                self.next_record = int(records[-1]) + 1
            return records - 1 - self.blanks, records + before, []
        blank = np.array([self._blank(t) for _, _, t in taken], dtype=bool)
        all_records = np.concatenate([records, np.array([r for r, _, _ in taken], np.int64)])
        all_newlines = np.concatenate([extra, np.array([t.count("\n") for _, _, t in taken], np.int64)])
        all_blank = np.concatenate([np.zeros(len(records), bool), blank])
        order = np.argsort(all_records, kind="stable")
        nl = all_newlines[order]
        bl = all_blank[order].astype(np.int64)
        nl_before = self.newlines + np.cumsum(nl) - nl
        bl_before = self.blanks + np.cumsum(bl) - bl
        rec = all_records[order]
        lines_sorted = rec + nl_before
        rows_sorted = rec - 1 - bl_before
        lines = np.empty_like(lines_sorted)
        rows = np.empty_like(rows_sorted)
        lines[order], rows[order] = lines_sorted, rows_sorted
        self.newlines += int(nl.sum())
        self.blanks += int(bl.sum())
        if len(rec):
            self.next_record = int(rec.max()) + 1
        bad = [
            BadLine(
                int(rows[len(records) + i]), int(lines[len(records) + i]), f, self.expected, t[:_TEXT_KEPT]
            )
            for i, (_, f, t) in enumerate(taken)
            if not blank[i]
        ]
        return rows[: len(records)], lines[: len(records)], bad


def csv_batches(
    layout: CsvLayout,
    bad_lines: list[BadLine],
    *,
    null_values: tuple[str, ...] = ("",),
    block_size: int = _BLOCK,
) -> Iterator[pa.RecordBatch]:
    """The rows of ``layout.path`` as string batches with ``__row`` and ``__line``; bad lines are
    appended to ``bad_lines`` (in file order) and left out of the batches."""
    names = list(layout.header)
    positions = _Positions(len(names), layout.delimiter, layout.quoted)
    try:
        reader = pacsv.open_csv(
            layout.path,
            read_options=pacsv.ReadOptions(
                encoding=_arrow_encoding(layout.encoding),
                block_size=block_size,
                column_names=names,
                skip_rows=1,
                use_threads=False,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=layout.delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=positions.handler,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=list(null_values),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
        for batch in reader:
            if batch.num_rows == 0:
                continue
            rows, lines, bad, keep = positions.place(batch)
            bad_lines.extend(bad)
            if not keep.all():
                batch = batch.filter(pa.array(keep))
            if batch.num_rows:
                yield pa.RecordBatch.from_arrays(
                    [*batch.columns, pa.array(rows), pa.array(lines)], names=[*names, *POSITIONS]
                )
    except pa.ArrowInvalid as error:
        raise UnreadableFileError(
            f"{layout.path} is not a well-formed CSV file: {error}",
            fix="check the delimiter, the quoting and the number of fields per line, or re-export the file",
        ) from error
    bad_lines.extend(positions.flush())


def _schema(layout: CsvLayout) -> pa.Schema:
    return pa.schema(
        [
            *(pa.field(n, pa.string()) for n in layout.header),
            pa.field("__row", pa.int64()),
            pa.field("__line", pa.int64()),
        ]
    )


def stage_csv(
    path: Path, target: Path, *, encoding: str | None = None, delimiter: str | None = None
) -> StagedCsv:
    """Copy a CSV file to ``target`` (Parquet: raw strings, ``__row``, ``__line``) block by block."""
    layout = inspect_csv(path, encoding, delimiter)
    bad: list[BadLine] = []
    rows = 0
    # a scratch copy read back at once: no compression, dictionaries or statistics (3x faster)
    with pq.ParquetWriter(
        target, _schema(layout), compression="none", use_dictionary=False, write_statistics=False
    ) as writer:
        for batch in csv_batches(layout, bad):
            writer.write_batch(batch)
            rows += batch.num_rows
    return StagedCsv(layout, Path(target), rows, bad)


def bad_line_error(path: Path, bad: BadLine) -> UnreadableFileError:
    """The error for a bad line where a table must be read whole (outside validation)."""
    return UnreadableFileError(
        f"{path} is not a well-formed CSV file: line {bad.line} (row {bad.row}) {bad.problem()}: {bad.text[:120]!r}",
        fix="quote values that contain the delimiter and give every line as many fields as the header "
        "('cxradar validate' quarantines such lines and keeps the rest)",
    )


def read_csv_raw(
    path: Path,
    encoding: str | None = None,
    *,
    delimiter: str | None = None,
    null_values: tuple[str, ...] = ("",),
    positions: bool = False,
    bad_lines: list[BadLine] | None = None,
) -> pa.Table:
    """Every column of a CSV file as strings (``null_values`` = null), named by the header; a bad
    line raises naming its line - unless ``bad_lines`` is given: then bad lines are appended to it
    and left out (the caller reports them). ``positions`` keeps ``__row`` and ``__line``."""
    layout = inspect_csv(path, encoding, delimiter)
    bad: list[BadLine] = []
    batches = []
    for batch in csv_batches(layout, bad, null_values=null_values):
        if bad and bad_lines is None:
            raise bad_line_error(layout.path, bad[0])
        batches.append(batch)
    if bad and bad_lines is None:
        raise bad_line_error(layout.path, bad[0])
    if bad_lines is not None:
        bad_lines.extend(bad)
    table = pa.Table.from_batches(batches, schema=_schema(layout))
    return table if positions else table.drop_columns(list(POSITIONS))
