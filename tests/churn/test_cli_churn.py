"""``cxradar churn``: every subcommand's help teaches (what it does, an example, what it writes),
and every setting of conf/churn.yaml is documented in docs/churn.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cxradar.cli.churn import churn

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("sub", ["train", "score", "report"])
def test_help_teaches(sub: str) -> None:
    result = CliRunner().invoke(churn, [sub, "--help"])
    assert result.exit_code == 0
    assert f"cxradar churn {sub} " in result.output  # an example invocation
    assert "Writes" in result.output


def test_unknown_month_is_one_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        churn, ["report", str(tmp_path), "--month", "2026-13", "--out", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "YYYY-MM" in str(result.exception)


def test_every_setting_is_documented() -> None:
    conf = yaml.safe_load((ROOT / "conf" / "churn.yaml").read_text(encoding="utf-8"))
    doc = (ROOT / "docs" / "churn.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for section in ("training", "scoring", "groups", "multi_sim"):
        names |= set(conf[section])
    names |= set(conf["exclusions"]) | set(conf["definitions"]) | {"horizon_months", "definition"}
    for params in conf["definitions"].values():
        names |= {k for k in params if k not in ("kind", "en", "zh")}
    missing = sorted(n for n in names if not re.search(rf"[`.]{re.escape(n)}`", doc))
    assert not missing, f"settings not described in docs/churn.md: {missing}"


def test_public_surface_names_exist() -> None:
    import cxradar.churn as churn_pkg

    for name in churn_pkg.__all__:
        assert hasattr(churn_pkg, name), name
