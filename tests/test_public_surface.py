"""The public surface is deliberate: `cxradar.__all__` names exist, and every error is a CxradarError."""

from __future__ import annotations

from pathlib import Path

import pytest

import cxradar
from cxradar import errors


def test_all_names_exist() -> None:
    for name in cxradar.__all__:
        assert hasattr(cxradar, name), name


def test_exported_members_are_exactly_all() -> None:
    public = {
        n for n in dir(cxradar) if not n.startswith("_") and not isinstance(getattr(cxradar, n), type(errors))
    }
    assert public - set(cxradar.__all__) == set(), (
        "add new public names to cxradar.__all__ or make them private"
    )


def test_every_error_derives_from_the_base() -> None:
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type):
            assert issubclass(obj, errors.CxradarError), name


def test_a_real_user_error_is_one_red_line_naming_the_place_and_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The error shape through the real front door: a typo in a settings file."""
    from cxradar.cli import main

    bad = tmp_path / "run.yaml"
    bad.write_text("churn:\n  horizon_month: 2\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["config", "show", "--config", str(bad)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(
        f"Error: {bad}:2: unknown setting 'churn.horizon_month'. Did you mean 'horizon_months'?"
    )
    assert " — fix: use one of: " in err
