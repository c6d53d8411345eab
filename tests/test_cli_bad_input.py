"""Every CLI command, given bad arguments and bad paths, fails with one line and no traceback.

Each leaf command of ``cxradar`` has cases in :data:`CASES` (a test fails when a command has none,
so a new command must be added here). Paths stand for: MISSING (does not exist), FILE (a text
file), DIR (an empty folder), BLOCKED (``/dev/null/x``: cannot be created, a file is in the way),
DATA (a small simulated operator), RUN (a run folder of that operator), TABLE (a flat CSV),
MODEL (a model fitted on it), SURVEYS (the surveys table).
"""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pandas as pd
import pytest

from cxradar.cli import cli, main
from cxradar.pipeline import run_month
from cxradar.simulate import simulate

MONTH = "2026-10"
CASES: dict[str, list[list[str]]] = {
    "demo": [["--out", "BLOCKED"]],
    "simulate": [
        ["--subscribers", "100", "--out", "BLOCKED"],
        ["--out", "FILE"],
        ["--params", "MISSING", "--out", "DIR"],
    ],
    "validate": [
        ["MISSING"],
        ["FILE"],
        ["DIR"],
        ["DATA", "--out", "BLOCKED"],
        ["DATA", "--out", "DATA"],
        ["DATA", "--out", "DATA/subscribers"],
        ["DATA", "--wide-table", "FILE", "--mapping", "MISSING"],
        ["DATA", "--as-of", "31/10/2026"],
    ],
    "features": [
        ["MISSING", "--month", MONTH],
        ["DATA", "--month", "2026-13"],
        ["DATA", "--month", MONTH, "--out", "BLOCKED"],
        ["DATA", "--month", MONTH, "--out", "DATA/subscribers.parquet"],
        ["DIR", "--month", MONTH],
    ],
    "run": [
        ["MISSING", "--month", MONTH, "--out", "DIR"],
        ["DATA", "--month", "October", "--out", "DIR"],
        ["DATA", "--month", MONTH, "--out", "BLOCKED"],
        ["DATA", "--month", MONTH, "--out", "DATA"],
        ["DATA", "--month", "2027-03", "--out", "DIR"],
        ["DATA", "--month", MONTH, "--out", "DIR", "--model", "svm"],
        ["DATA", "--month", MONTH, "--out", "DIR", "--wide-table", "FILE"],
        ["DATA", "--month", MONTH, "--out", "DIR", "--tables-from", "hive:dw"],
        ["DATA", "--month", MONTH, "--out", "DIR", "--write-to", "catalog:"],
    ],
    "evaluate": [["MISSING", "--truth", "MISSING"], ["DIR", "--truth", "DIR"], ["RUN", "--truth", "FILE"]],
    "model cv": [
        ["MISSING", "--target", "y"],
        ["DIR", "--target", "y"],
        ["TABLE", "--target", "nope"],
        ["TABLE", "--target", "y", "--folds", "1"],
        ["FILE", "--target", "y"],
    ],
    "model fit": [
        ["TABLE", "--target", "y", "--out", "BLOCKED"],
        ["MISSING", "--target", "y", "--out", "x.json"],
    ],
    "model score": [
        ["MISSING", "TABLE", "--out", "DIR/s.parquet"],
        ["FILE", "TABLE", "--out", "DIR/s.parquet"],
        ["MODEL", "TABLE", "--out", "BLOCKED"],
        ["MODEL", "TABLE", "--out", "TABLE"],
        ["MODEL", "MISSING", "--out", "DIR/s.parquet"],
    ],
    "model export-sql": [["MISSING"], ["FILE"], ["DIR"]],
    "csi": [["MISSING"], ["DIR"], ["FILE"], ["SURVEYS", "--out", "BLOCKED"], ["SURVEYS", "--out", "SURVEYS"]],
    "survey report": [
        ["MISSING", "--month", MONTH, "--out", "DIR"],
        ["DATA", "--month", MONTH, "--out", "BLOCKED"],
        ["DATA", "--month", "2026-1", "--out", "DIR"],
    ],
    "churn train": [
        ["DATA", "--month", MONTH, "--out", "BLOCKED"],
        ["DIR", "--month", MONTH, "--out", "DIR"],
    ],
    "churn score": [
        ["DATA", "--month", MONTH, "--model", "MISSING", "--out", "DIR"],
        ["DATA", "--month", MONTH, "--model", "FILE", "--out", "DIR"],
    ],
    "churn report": [
        ["DATA", "--month", MONTH, "--out", "BLOCKED"],
        ["DATA", "--month", "13", "--out", "DIR"],
    ],
    "care assign": [
        ["RUN", "--month", MONTH, "--data", "MISSING"],
        ["DIR", "--month", MONTH, "--data", "DATA"],
    ],
    "care deliver": [["RUN", "--contacts", "MISSING"], ["RUN", "--contacts", "FILE"], ["DIR"]],
    "care lists": [
        ["RUN", "--month", MONTH, "--out", "BLOCKED"],
        ["RUN", "--month", "2030-01", "--out", "DIR"],
        ["MISSING", "--month", MONTH, "--out", "DIR"],
        ["RUN", "--month", MONTH, "--out", "DIR", "--dial-token"],  # a token needs a key
        ["RUN", "--month", MONTH, "--out", "DIR", "--key-file", "MISSING"],
    ],
    "care tokens": [
        ["RUN", "--month", MONTH, "--out", "DIR/tokens.csv"],  # no key
        ["RUN", "--month", "2030-01", "--key-file", "TABLE", "--out", "DIR/tokens.csv"],
        ["RUN", "--month", MONTH, "--key-file", "TABLE", "--out", "BLOCKED"],
        ["MISSING", "--month", MONTH, "--key-file", "TABLE", "--out", "DIR/tokens.csv"],
    ],
    "care pending": [["MISSING", "--msisdn", "13800000000"], ["DIR", "--msisdn", "13800000000"]],
    "campaign design": [["RUN", "--month", "2030-01"], ["DIR", "--month", MONTH]],
    "campaign evaluate": [
        ["RUN", "--month", MONTH, "--data", "MISSING"],
        ["RUN", "--month", MONTH, "--data", "DATA", "--outcomes", "FILE"],
    ],
    "config show": [["--config", "MISSING"], ["--config", "FILE"]],
    "keys create": [
        ["--channel", "hotline", "--scopes", "care:read", "--keys", "BLOCKED"],
        ["--channel", "hotline", "--scopes", "care:everything", "--keys", "DIR/keys.json"],
    ],
    "keys list": [["--keys", "FILE"]],
    "keys revoke": [["k_missing", "--keys", "MISSING"]],
    "keys rotate": [["k_missing", "--keys", "MISSING"]],
    "publish": [["MISSING"], ["DIR"], ["RUN", "--month", "2026-13"]],
    "report": [["MISSING"], ["DIR"], ["RUN", "--month", "2026-13"]],
    "serve": [["MISSING"], ["DIR"], ["RUN", "--port", "0"]],
    "staff report": [
        ["MISSING", "--month", MONTH, "--out", "DIR/staff", "--key", "k"],
        ["DATA", "--month", "2026-13", "--out", "DIR/staff", "--key", "k"],
        ["DATA", "--month", MONTH, "--out", "BLOCKED", "--key", "k"],
    ],
}


def _leaf_commands() -> list[str]:
    ctx = click.Context(cli)
    names: list[str] = []

    def walk(command: click.Command, prefix: list[str]) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk(sub, [*prefix, name])
        else:
            names.append(" ".join(prefix))

    walk(cli, [])
    return names


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bad-input")
    data = root / "data"
    simulate(2000, 4, 3, data)
    run = root / "run"
    run_month(data, MONTH, run, skip=("churn",))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 2))
    y = (x[:, 0] + rng.normal(size=300) > 0).astype(int)
    table = root / "flat.csv"
    pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": y}).to_csv(table, index=False)
    model = root / "model.json"
    assert main(["model", "fit", str(table), "--target", "y", "--out", str(model)]) is None
    text = root / "notes.csv"
    text.write_text("this is not a table\x00\x01", encoding="latin-1")
    return {
        "DATA": data,
        "RUN": run,
        "TABLE": table,
        "MODEL": model,
        "FILE": text,
        "SURVEYS": data / "surveys.parquet",
    }


def _expand(arg: str, paths: dict[str, Path], scratch: Path) -> str:
    head, _, rest = arg.partition("/")
    if head == "MISSING":
        return str(scratch / "does-not-exist")
    if head == "BLOCKED":
        return "/dev/null/cxradar-out"
    if head == "DIR":
        folder = scratch / "empty"
        folder.mkdir(exist_ok=True)
        return str(folder / rest) if rest else str(folder)
    if head in paths:
        return str(paths[head] / rest) if rest else str(paths[head])
    return arg


def test_every_command_has_bad_input_cases() -> None:
    assert sorted(_leaf_commands()) == sorted(CASES)


@pytest.mark.parametrize(
    ("command", "args"), [(c, a) for c, cases in CASES.items() for a in cases], ids=lambda v: str(v)
)
def test_bad_input_is_one_line_without_traceback(
    command: str, args: list[str], paths: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*command.split(), *(_expand(a, paths, tmp_path) for a in args)]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    assert exit_info.value.code in (1, 2), (argv, out, err)
    assert "Traceback" not in out + err
    assert "Error" in err or "Not usable" in out, (argv, out, err)
    assert (paths["DATA"] / "subscribers.parquet").is_file()  # never overwritten
    assert paths["TABLE"].read_text(encoding="utf-8").startswith("x1,x2,y")
