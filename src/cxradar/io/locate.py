"""Where a table lives in a data folder, and where an output may not go.

A table ``t`` is ``t.parquet``, ``t.csv`` (the suffix in any case: ``t.CSV`` is fine) or a folder
``t/`` (or ``t.parquet/``, as Spark writes it) of Parquet parts. A near miss - ``Subscribers.csv``,
``subscriber.csv``, ``subscribers.xlsx``, a folder called ``subscribers.csv`` - is never read by
guesswork; :func:`near_misses` names it so that the "no file" message can say what was found.

:func:`guard_output` keeps every command from writing where it reads: an output folder may not
be an input folder, contain one, or sit at (or inside) an input table's location.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path

from cxradar.errors import OutputError, UnreadableFileError

__all__ = ["TABLE_SUFFIXES", "find_table_file", "guard_output", "near_misses", "parquet_files"]

TABLE_SUFFIXES = (".parquet", ".csv")
_OTHER_SUFFIXES = (".xlsx", ".xls", ".txt", ".tsv", ".json", ".gz", ".zip", ".pq", ".orc")


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return [e for e in it if not e.name.startswith(".")]
    except FileNotFoundError:
        return []
    except NotADirectoryError as error:
        raise UnreadableFileError(
            f"{folder} is a file, not a data folder", fix="pass the folder that holds the table files"
        ) from error
    except PermissionError as error:
        raise UnreadableFileError(
            f"{folder} cannot be listed (permission denied)", fix="check the folder's permissions"
        ) from error


def _split(name: str) -> tuple[str, str]:
    stem, dot, suffix = name.rpartition(".")
    return (stem, f".{suffix.lower()}") if dot and stem else (name, "")


def find_table_file(data_dir: Path, table: str) -> Path | None:
    """``data_dir/{table}.parquet``, ``{table}.csv`` (any suffix case) or the folder ``{table}/``;
    ``None`` when absent. Two candidates are ambiguous, and a folder named ``{table}.csv`` is not
    a CSV file: both raise :class:`UnreadableFileError`."""
    data_dir = Path(data_dir)
    found: list[Path] = []
    for entry in _entries(data_dir):
        stem, suffix = _split(entry.name)
        if entry.name == table and entry.is_dir():
            found.append(Path(entry.path))
        elif stem == table and suffix in TABLE_SUFFIXES:
            path = Path(entry.path)
            if suffix == ".csv" and entry.is_dir():
                raise UnreadableFileError(
                    f"table '{table}': {path} is a folder, not a CSV file",
                    fix=f"put the CSV file itself at {path}, or name a folder of Parquet parts "
                    f"'{table}/' or '{table}.parquet/'",
                )
            found.append(path)
    if len(found) > 1:
        names = ", ".join(sorted(p.name for p in found))
        raise UnreadableFileError(
            f"table '{table}' has several files in {data_dir}: {names}",
            fix="keep exactly one of them (the others are ambiguous)",
        )
    return found[0] if found else None


def near_misses(data_dir: Path, table: str) -> str:
    """A sentence naming files in ``data_dir`` that look like ``table`` but are not read as it
    (other case, other suffix, a close spelling); ``""`` when there are none."""
    seen: list[str] = []
    for entry in _entries(Path(data_dir)):
        stem, suffix = _split(entry.name)
        base = stem.lower().removesuffix(".csv")
        if stem == table and suffix in TABLE_SUFFIXES:
            continue
        close = difflib.SequenceMatcher(None, base, table.lower()).ratio() >= 0.85
        if base == table.lower() or (close and (suffix in TABLE_SUFFIXES or suffix in _OTHER_SUFFIXES)):
            seen.append(entry.name)
    if not seen:
        return ""
    names = ", ".join(sorted(seen)[:3])
    return f" Found {names}: the file must be named exactly {table}.csv or {table}.parquet (CSV or Parquet)."


def parquet_files(path: Path) -> list[Path]:
    """The Parquet file itself, or the sorted ``*.parquet`` parts of a folder."""
    path = Path(path)
    if path.is_dir():
        parts = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".parquet")
        if not parts:
            raise UnreadableFileError(
                f"folder {path} holds no *.parquet parts", fix="write the table as Parquet parts or one file"
            )
        return parts
    return [path]


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def guard_output(
    out: Path,
    inputs: Iterable[Path | None],
    *,
    tables: Iterable[str] = (),
    option: str = "--out",
    owned: bool = False,
) -> None:
    """Raise :class:`OutputError` when the output ``out`` would overwrite an input.

    ``out`` may not be an input (file or folder); inside an input *folder* it may not sit at a
    table's location (``DATA/{table}``, ``DATA/{table}.parquet`` ...), which would be read as that
    table. An ``owned`` output folder - replaced as a whole, or managed by the command like a run
    folder - may not contain an input either. ``tables`` names the tables read from input folders.
    """
    target = Path(out).resolve()
    names = list(tables)
    for given in inputs:
        if given is None:
            continue
        source = Path(given).resolve()
        if source == target or (owned and _inside(source, target)):
            what = "is" if source == target else "contains"
            raise OutputError(
                f"the output {out} {what} the input {given}; writing there would overwrite "
                f"the operator's tables",
                fix=f"pass {option} a separate folder, e.g. {Path(given).name}-run next to it",
            )
        if source.is_dir() and target.is_relative_to(source):
            first = target.relative_to(source).parts[0]
            stem, suffix = _split(first)
            if first in names or (stem in names and suffix in TABLE_SUFFIXES):
                raise OutputError(
                    f"the output {out} is where the input folder {given} keeps table '{stem}'",
                    fix=f"pass {option} a folder that is not named after a table",
                )
