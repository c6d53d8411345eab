"""One documented mode for every output: files 0666 and folders 0777 minus the umask (0644 / 0755
with umask 022), whoever writes them - lists, models, quarantine, reports, features."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from cxradar.engine.duckdb import copy_to_parquet
from cxradar.engine.files import (
    OUTPUT_DIR_MODE,
    OUTPUT_FILE_MODE,
    atomic_output_dir,
    atomic_write_bytes,
    atomic_write_csv,
    atomic_write_parquet,
    atomic_write_text,
)
from cxradar.models import make_model, save_model


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_writer_gives_the_output_mode(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    written = [
        atomic_write_text("x", tmp_path / "a.txt"),
        atomic_write_bytes(b"x", tmp_path / "b.bin"),
        atomic_write_parquet(frame, tmp_path / "c.parquet"),
        atomic_write_csv(pa.Table.from_pandas(frame), tmp_path / "quarantine.csv"),
        copy_to_parquet(duckdb.connect(), "(SELECT 1 AS x)", tmp_path / "features.parquet"),
        save_model(
            make_model("logit").fit(pd.DataFrame({"x": [0.0, 1, 2, 3]}), [0, 0, 1, 1]), tmp_path / "m.json"
        ),
    ]
    for path in written:
        assert _mode(path) == OUTPUT_FILE_MODE, path
    with atomic_output_dir(tmp_path / "validated") as folder:
        (folder / "inside.txt").write_text("x", encoding="utf-8")
    assert _mode(tmp_path / "validated") == OUTPUT_DIR_MODE
    assert OUTPUT_FILE_MODE & stat.S_IRUSR and not OUTPUT_FILE_MODE & stat.S_IXUSR
