"""The file edge: find a table's file in a data folder, read CSV / Parquet, write atomically.

Reading
    A table ``t`` lives in a data folder as ``t.parquet``, ``t.csv`` or a folder ``t/`` of Parquet
    parts. CSV is read as **raw strings** (blank cell = null) so that validation sees exactly what
    was in the file; the encoding is UTF-8 (with or without BOM), GBK or GB18030, detected on a
    sample (UTF-8 is tried strictly first, then charset-normalizer) or given explicitly. Anything
    that cannot be read is an :class:`~cxradar.errors.UnreadableFileError` naming the file and
    the fix.

Writing
    Outputs are written to a temporary name in the same folder and moved into place with
    ``os.replace``, so a crash never leaves a half-written file where a good one was.
    :func:`atomic_output_dir` does the same for a whole folder (build ``out.tmp-xxxx``, swap).

File mode
    Every output gets the mode of a file the process would create with ``open()``: 0666 minus
    the umask for files, 0777 minus the umask for folders - 0644 / 0755 with the usual umask 022,
    0640 / 0750 with umask 027 (lists readable by the group that runs the channels, not by
    others). Temporary files are created 0600 (``mkstemp``) and get that mode before they are
    moved into place (:func:`set_output_mode`), so lists, models, quarantine and reports all share
    one mode (docs/data-contract.md, "File mode").
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cxradar.errors import UnreadableFileError

__all__ = [
    "ENCODINGS",
    "OUTPUT_DIR_MODE",
    "OUTPUT_FILE_MODE",
    "atomic_output_dir",
    "atomic_write_bytes",
    "atomic_write_csv",
    "atomic_write_parquet",
    "atomic_write_text",
    "check_parquet",
    "detect_encoding",
    "find_table_file",
    "parquet_files",
    "read_csv_raw",
    "read_parquet",
    "read_table_file",
    "set_output_mode",
]

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030")


def _process_umask() -> int:
    mask = os.umask(0o022)  # read it (os.umask only reads by setting) and put it back at once
    os.umask(mask)
    return mask


_UMASK = _process_umask()  # read once, at import, before any worker thread writes
OUTPUT_FILE_MODE = 0o666 & ~_UMASK
OUTPUT_DIR_MODE = 0o777 & ~_UMASK
_SAMPLE_BYTES = 1 << 20
_CHINESE = {"gb2312", "gbk", "gb18030", "cp936", "hz", "big5", "cp950"}
_BOM = codecs.BOM_UTF8


# --------------------------------------------------------------------------- finding


def find_table_file(data_dir: Path, table: str) -> Path | None:
    """``data_dir/{table}.parquet``, ``{table}.csv`` or the folder ``{table}/``; ``None`` when absent.

    Two candidates for one table are ambiguous and raise :class:`UnreadableFileError`.
    """
    data_dir = Path(data_dir)
    candidates = [
        p for p in (data_dir / f"{table}.parquet", data_dir / f"{table}.csv", data_dir / table) if p.exists()
    ]
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates)
        raise UnreadableFileError(
            f"table '{table}' has several files in {data_dir}: {names}",
            fix="keep exactly one of them (the others are ambiguous)",
        )
    return candidates[0] if candidates else None


def parquet_files(path: Path) -> list[Path]:
    """The Parquet file itself, or the sorted ``*.parquet`` parts of a folder."""
    if path.is_dir():
        parts = sorted(p for p in path.rglob("*.parquet") if p.is_file())
        if not parts:
            raise UnreadableFileError(
                f"folder {path} holds no *.parquet parts", fix="write the table as Parquet parts or one file"
            )
        return parts
    return [path]


# --------------------------------------------------------------------------- reading


def detect_encoding(path: Path) -> str:
    """The encoding of a CSV file from a sample: ``utf-8-sig``, ``utf-8`` or ``gb18030`` (or
    whatever charset-normalizer finds for other files)."""
    with open(path, "rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    if sample.startswith(_BOM):
        return "utf-8-sig"
    if _decodes(sample, "utf-8"):
        return "utf-8"
    from charset_normalizer import from_bytes

    guesses = [m.encoding.lower() for m in from_bytes(sample)]
    # GB18030 is a superset of GBK and GB2312: reading either with it loses nothing.
    if any(g in _CHINESE for g in guesses) or _decodes(sample, "gb18030"):
        return "gb18030"
    if guesses:
        return guesses[0]
    raise UnreadableFileError(
        f"cannot tell the text encoding of {path}",
        fix="pass --encoding utf-8, --encoding gbk or --encoding gb18030, or re-export as UTF-8",
    )


def _decodes(sample: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(sample, final=False)  # a character cut at the sample's end is fine
    except UnicodeDecodeError:
        return False
    return True


def _normalise_encoding(encoding: str | None) -> str | None:
    if encoding is None or encoding.lower() == "auto":
        return None
    name = encoding.lower().replace("_", "-")
    if name == "utf8":
        name = "utf-8"
    try:
        codecs.lookup(name)
    except LookupError as error:
        raise UnreadableFileError(
            f"unknown encoding '{encoding}'", fix=f"use one of: {', '.join(ENCODINGS)}"
        ) from error
    return name


def _encoding_fix(path: Path, encoding: str) -> str:
    others = [e for e in ("utf-8", "gbk", "gb18030") if e != encoding.replace("-sig", "")]
    options = " or ".join(f"--encoding {e}" for e in others)
    return f"pass {options}, or re-export {path.name} as UTF-8 CSV"


def read_csv_raw(path: Path, encoding: str | None = None) -> pa.Table:
    """Every column of a CSV file as strings (blank = null), columns named by the header.

    ``encoding`` is ``None``/``"auto"`` (detect), ``utf-8``, ``gbk`` or ``gb18030``.
    """
    path = Path(path)
    chosen = _normalise_encoding(encoding) or detect_encoding(path)
    if chosen in ("utf-8", "utf8"):
        arrow_encoding = "utf8"
    elif chosen == "utf-8-sig":
        arrow_encoding = "utf8"  # Arrow skips a UTF-8 BOM itself
    else:
        arrow_encoding = chosen
    header = _header(path, chosen)
    if not header or all(not h.strip() for h in header):
        raise UnreadableFileError(f"{path} has no header row", fix="add a header line with the column names")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise UnreadableFileError(
            f"{path} has the column(s) {', '.join(dupes)} more than once in its header",
            fix="rename or drop the duplicated columns",
        )
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding=arrow_encoding, block_size=1 << 24, column_names=header, skip_rows=1
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            f"{path} is not valid {chosen} text (byte {error.start} of a block: {error.reason})",
            fix=_encoding_fix(path, chosen),
        ) from error
    except pa.ArrowInvalid as error:
        text = str(error)
        if "UTF8" in text or "utf8" in text or "UTF-8" in text:
            raise UnreadableFileError(
                f"{path} is not valid {chosen} text: {text}", fix=_encoding_fix(path, chosen)
            ) from error
        raise UnreadableFileError(
            f"{path} is not a well-formed CSV file: {text}",
            fix="check the delimiter (comma), quoting and the number of fields per line, "
            "or re-export the file",
        ) from error
    return table


def _header(path: Path, encoding: str) -> list[str]:
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    try:
        text = codecs.getincrementaldecoder(encoding)(errors="strict").decode(head, final=False)
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            f"{path} is not valid {encoding} text in its first bytes ({error.reason})",
            fix=_encoding_fix(path, encoding),
        ) from error
    text = text.lstrip("\ufeff")
    row = next(csv.reader(io.StringIO(text)), [])
    return [h.strip() for h in row]


def read_parquet(path: Path) -> pa.Table:
    """A Parquet file or folder of parts; a truncated or corrupt file names itself and the fix."""
    parts = parquet_files(Path(path))
    tables = []
    for part in parts:
        try:
            tables.append(pq.read_table(part))
        except (pa.ArrowException, OSError) as error:
            raise UnreadableFileError(
                f"{part} is not a readable Parquet file (truncated or corrupt: {error})",
                fix="re-export the file (the copy may have been cut short)",
            ) from error
    if len(tables) == 1:
        return tables[0]
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException as error:
        raise UnreadableFileError(
            f"the Parquet parts in {path} have incompatible schemas: {error}",
            fix="write all parts with the same columns and types",
        ) from error


def check_parquet(path: Path) -> list[str]:
    """Check every part's footer (cheap) and return the column names; raise when unreadable."""
    names: list[str] | None = None
    for part in parquet_files(Path(path)):
        try:
            schema = pq.read_schema(part)
        except (pa.ArrowException, OSError) as error:
            raise UnreadableFileError(
                f"{part} is not a readable Parquet file (truncated or corrupt: {error})",
                fix="re-export the file (the copy may have been cut short)",
            ) from error
        if names is None:
            names = list(schema.names)
    return names or []


def read_table_file(path: Path, encoding: str | None = None) -> pa.Table:
    """Read ``.csv`` as raw strings, Parquet (file or folder) as stored."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFileError(f"{path} does not exist", fix="check the path and the file name")
    if path.suffix.lower() == ".csv":
        return read_csv_raw(path, encoding)
    if path.suffix.lower() == ".parquet" or path.is_dir():
        return read_parquet(path)
    raise UnreadableFileError(f"{path} is neither CSV nor Parquet", fix="save the table as .csv or .parquet")


# --------------------------------------------------------------------------- writing


def set_output_mode(path: Path) -> Path:
    """Give ``path`` the documented output mode (:data:`OUTPUT_FILE_MODE` or :data:`OUTPUT_DIR_MODE`)."""
    os.chmod(path, OUTPUT_DIR_MODE if Path(path).is_dir() else OUTPUT_FILE_MODE)
    return Path(path)


def _temp_name(path: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return set_output_mode(Path(name))


def atomic_write_bytes(data: bytes, path: Path) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_name(path)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def atomic_write_text(text: str, path: Path, *, encoding: str = "utf-8") -> Path:
    """Write text atomically (UTF-8 by default; ``utf-8-sig`` adds the BOM Excel needs)."""
    return atomic_write_bytes(text.encode(encoding), path)


def atomic_write_parquet(df: object, path: Path) -> Path:
    """Write a pandas DataFrame or Arrow table to Parquet atomically (no pandas index)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df, preserve_index=False)
    tmp = _temp_name(path)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def atomic_write_csv(table: pa.Table, path: Path, *, bom: bool = True) -> Path:
    """Write an Arrow table as UTF-8 CSV atomically, with a BOM by default (Excel shows Chinese)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_name(path)
    try:
        with open(tmp, "wb") as handle:
            if bom:
                handle.write(_BOM)
            pacsv.write_csv(table, handle)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


@contextlib.contextmanager
def atomic_output_dir(path: Path) -> Iterator[Path]:
    """Build a whole output folder beside ``path`` and swap it in only when the block succeeds.

    ::

        with atomic_output_dir(out) as tmp:
            write everything under tmp
        # now out holds exactly what was written; the old folder is gone

    On an exception the temporary folder is removed and ``path`` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = set_output_mode(Path(tempfile.mkdtemp(prefix=f"{path.name}.tmp-", dir=path.parent)))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old: Path | None = None
    if path.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{path.name}.old-", dir=path.parent))
        os.replace(path, old / "x")  # move aside (same filesystem: a rename)
    try:
        os.replace(tmp, path)
    except BaseException:
        if old is not None:
            os.replace(old / "x", path)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
