"""The file edge of cxradar: every table is read, and every output written, through this package.

::

    cxradar.io
      locate     find a table's file in a data folder (near misses named); keep outputs off inputs
      encoding   the text encoding over the whole file; non-text files named as what they are
      csvfile    streaming CSV: raw strings, data row and line of every row, bad lines reported
      tables     the one reader: read_frame / load_frame (pandas), read_table_file (Arrow)
      atomic     the one atomic writer: atomic_path and the atomic_write_* helpers, whole folders

Why a package of its own rather than ``engine/files.py``: reading and writing files is not an
engine's concern (validation, care, churn, the CSI commands and the CLI all read tables), the
streaming CSV reader and the encoding pass would push one module far past 500 lines, and the
engines (DuckDB, Spark) sit on top of it like every other step. ``cxradar.engine.files`` remains
as an alias of the names it always had.
"""

from cxradar.io.atomic import (
    OUTPUT_DIR_MODE,
    OUTPUT_FILE_MODE,
    atomic_files,
    atomic_output_dir,
    atomic_path,
    atomic_write_bytes,
    atomic_write_csv,
    atomic_write_json,
    atomic_write_parquet,
    atomic_write_text,
    filesystem_error,
    output_error,
    set_output_mode,
)
from cxradar.io.csvfile import (
    BadLine,
    CsvLayout,
    StagedCsv,
    csv_batches,
    inspect_csv,
    read_csv_raw,
    stage_csv,
)
from cxradar.io.encoding import ENCODINGS, detect_encoding, normalise_encoding, scan_text
from cxradar.io.locate import TABLE_SUFFIXES, find_table_file, guard_output, near_misses, parquet_files
from cxradar.io.tables import (
    NULL_TOKENS,
    check_parquet,
    load_frame,
    read_frame,
    read_parquet,
    read_table_file,
)

__all__ = [
    "ENCODINGS",
    "NULL_TOKENS",
    "OUTPUT_DIR_MODE",
    "OUTPUT_FILE_MODE",
    "TABLE_SUFFIXES",
    "BadLine",
    "CsvLayout",
    "StagedCsv",
    "atomic_files",
    "atomic_output_dir",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_csv",
    "atomic_write_json",
    "atomic_write_parquet",
    "atomic_write_text",
    "check_parquet",
    "csv_batches",
    "detect_encoding",
    "filesystem_error",
    "find_table_file",
    "guard_output",
    "inspect_csv",
    "load_frame",
    "near_misses",
    "normalise_encoding",
    "output_error",
    "parquet_files",
    "read_csv_raw",
    "read_frame",
    "read_parquet",
    "read_table_file",
    "scan_text",
    "set_output_mode",
    "stage_csv",
]
