"""Atomic writes: the one implementation every output file and folder goes through.

A file is written to a hidden temporary name in its own folder and moved into place with
``os.replace`` (a rename on one filesystem), so a crash, a kill or a full disk never leaves a
half-written file under the final name. :func:`atomic_path` is the primitive; the ``atomic_write_*``
helpers, Excel and model files, DuckDB's ``COPY`` and the simulator's streaming Parquet writer are
all built on it. Two folder forms:

* :func:`atomic_output_dir` builds a *whole folder* beside the target and swaps it in (the old
  folder goes only when the new one is complete) - for outputs replaced as a whole
  (``validate --out``);
* :func:`atomic_files` stages several files and moves each into an existing folder only when
  all of them were written - for reports whose files belong together.

A failure of the filesystem (no permission, read-only, disk full, a file where a folder should
be) is an :class:`~cxradar.errors.OutputError` naming the path and the fix, never a traceback.

File mode: every output gets the mode a file created with ``open()`` would have, 0666 minus the
umask for files and 0777 minus the umask for folders (0644 / 0755 with the usual umask 022,
0640 / 0750 with umask 027: lists readable by the group that runs the channels, not by others).
Temporary files and folders are created 0600 / 0700 (``mkstemp``/``mkdtemp``) and get that mode
just before they are moved into place (:func:`set_output_mode`), so lists, models, quarantine and
reports share one mode (docs/data-contract.md, "File mode").
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cxradar.errors import CxradarError, OutputError, UnreadableFileError

__all__ = [
    "OUTPUT_DIR_MODE",
    "OUTPUT_FILE_MODE",
    "atomic_files",
    "atomic_output_dir",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_csv",
    "atomic_write_json",
    "atomic_write_parquet",
    "atomic_write_text",
    "filesystem_error",
    "output_error",
    "set_output_mode",
]

_BOM = b"\xef\xbb\xbf"


def _process_umask() -> int:
    mask = os.umask(0o022)  # read it (os.umask only reads by setting) and put it back at once
    os.umask(mask)
    return mask


_UMASK = _process_umask()  # read once, at import, before any worker thread writes
OUTPUT_FILE_MODE = 0o666 & ~_UMASK
OUTPUT_DIR_MODE = 0o777 & ~_UMASK
_FIXES = {
    errno.EACCES: "check the folder's permissions, or pass --out a folder you can write to",
    errno.EPERM: "check the folder's permissions, or pass --out a folder you can write to",
    errno.EROFS: "the filesystem is read-only: pass --out a folder on a writable disk",
    errno.ENOSPC: "the disk is full: free some space or pass --out a folder on another disk",
    errno.EDQUOT: "the disk quota is used up: free some space or pass --out another folder",
    errno.ENOTDIR: "a file stands where a folder is needed: remove it or pass --out another path",
    errno.EISDIR: "a folder stands where the file should go: remove it or pass another file name",
    errno.EEXIST: "a file stands where a folder is needed: remove it or pass --out another path",
}


def output_error(path: Path, error: OSError) -> OutputError:
    """An :class:`OutputError` for ``error`` raised while writing ``path``."""
    where = error.filename or path
    fix = _FIXES.get(error.errno or 0, "check the path, its permissions and the free disk space")
    return OutputError(f"cannot write {where}: {error.strerror or error}", fix=fix)


def filesystem_error(error: OSError) -> CxradarError:
    """A one-line user error for an ``OSError`` that escaped a command (a path that does not
    exist, a folder where a file was expected, no permission, a full disk)."""
    where = error.filename or "a file"
    if isinstance(error, FileNotFoundError):
        return UnreadableFileError(f"{where} does not exist", fix="check the path and the file name")
    if isinstance(error, IsADirectoryError):
        return UnreadableFileError(f"{where} is a folder, not a file", fix="pass the file itself")
    if isinstance(error, NotADirectoryError):
        return UnreadableFileError(
            f"{where}: a part of this path is a file, not a folder", fix="pass a path made of folders"
        )
    return output_error(Path(str(where)), error)


def set_output_mode(path: Path) -> Path:
    """Give ``path`` the documented output mode (:data:`OUTPUT_FILE_MODE` or :data:`OUTPUT_DIR_MODE`)."""
    os.chmod(path, OUTPUT_DIR_MODE if Path(path).is_dir() else OUTPUT_FILE_MODE)
    return Path(path)


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:  # a file where a parent folder should be
        raise output_error(path, OSError(errno.ENOTDIR, "a file is in the way", str(path.parent))) from error
    except OSError as error:
        raise output_error(path, error) from error


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block succeeds it becomes ``path``.

    ::

        with atomic_path(out / "list.xlsx") as tmp:
            workbook.save(tmp)

    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    _make_parent(path)
    if path.is_dir():
        raise output_error(path, OSError(errno.EISDIR, "is a folder", str(path)))
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as error:
        raise output_error(path, error) from error
    tmp = Path(name)
    try:
        yield tmp
        set_output_mode(tmp)  # the documented mode, not mkstemp's 0600 (a writer may have replaced tmp)
        os.replace(tmp, path)
    except OSError as error:
        raise output_error(path, error) from error
    finally:
        tmp.unlink(missing_ok=True)


def _write_with(path: Path, write: Callable[[Path], None]) -> Path:
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


def atomic_write_bytes(data: bytes, path: Path) -> Path:
    """Write ``data`` to ``path`` atomically."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return _write_with(path, write)


def atomic_write_text(text: str, path: Path, *, encoding: str = "utf-8") -> Path:
    """Write text atomically (UTF-8 by default; ``utf-8-sig`` adds the BOM Excel needs)."""
    return atomic_write_bytes(text.encode(encoding), path)


def atomic_write_json(obj: Any, path: Path, *, default: Callable[[Any], Any] | None = str) -> Path:
    """Write JSON atomically: UTF-8, Chinese kept readable, indented, with a final newline."""
    return atomic_write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=default) + "\n", path)


def atomic_write_parquet(df: object, path: Path) -> Path:
    """Write a pandas DataFrame or Arrow table to Parquet atomically (no pandas index)."""
    if isinstance(df, pa.Table):
        table = df
    else:
        import pandas as pd

        assert isinstance(df, pd.DataFrame)
        table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    return _write_with(path, lambda tmp: pq.write_table(table, tmp))


def atomic_write_csv(table: object, path: Path, *, bom: bool = True) -> Path:
    """Write an Arrow table or a pandas DataFrame as UTF-8 CSV atomically, with a BOM by default
    (so that Excel shows Chinese)."""

    def write(tmp: Path) -> None:
        if isinstance(table, pa.Table):
            with open(tmp, "wb") as handle:
                if bom:
                    handle.write(_BOM)
                pacsv.write_csv(table, handle)
        else:
            import pandas as pd

            assert isinstance(table, pd.DataFrame)
            table.to_csv(tmp, index=False, encoding="utf-8-sig" if bom else "utf-8")

    return _write_with(path, write)


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
    _make_parent(path)
    if path.exists() and not path.is_dir():
        raise output_error(path, OSError(errno.ENOTDIR, "a file is in the way", str(path)))
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f"{path.name}.tmp-", dir=path.parent))
    except OSError as error:
        raise output_error(path, error) from error
    try:
        yield tmp
        set_output_mode(tmp)  # mkdtemp's 0700 -> the documented folder mode
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old: Path | None = None
    try:
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f"{path.name}.old-", dir=path.parent))
            os.replace(path, old / "x")  # move aside (same filesystem: a rename)
        try:
            os.replace(tmp, path)
        except BaseException:
            if old is not None:
                os.replace(old / "x", path)
            raise
    except OSError as error:
        shutil.rmtree(tmp, ignore_errors=True)
        raise output_error(path, error) from error
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def atomic_files(folder: Path) -> Iterator[Path]:
    """Stage files in a hidden folder inside ``folder``; move each into ``folder`` when the block
    succeeds (files not written in the block are left alone). On an exception nothing is moved."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    except OSError as error:
        raise output_error(folder, error) from error
    try:
        yield staging
        for item in sorted(staging.iterdir()):
            os.replace(item, folder / item.name)
    except OSError as error:
        raise output_error(folder, error) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
