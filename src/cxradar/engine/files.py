"""Alias of the file edge's historical names; the implementation lives in :mod:`cxradar.io`.

Reading a table (CSV as raw strings, encoding checked over the whole file, Parquet file or folder)
and writing outputs atomically are done in one place, :mod:`cxradar.io`; this module keeps the
names that engine and pipeline code import from here (including the output file mode:
:data:`OUTPUT_FILE_MODE`, :data:`OUTPUT_DIR_MODE`, :func:`set_output_mode`).
"""

from __future__ import annotations

from cxradar.io import (
    ENCODINGS,
    OUTPUT_DIR_MODE,
    OUTPUT_FILE_MODE,
    atomic_output_dir,
    atomic_write_bytes,
    atomic_write_csv,
    atomic_write_parquet,
    atomic_write_text,
    check_parquet,
    detect_encoding,
    find_table_file,
    parquet_files,
    read_csv_raw,
    read_parquet,
    read_table_file,
    set_output_mode,
)

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
