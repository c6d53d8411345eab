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


def _documented() -> dict[str, list[str]]:
    """Package -> names listed in docs/api.md (``## `package` `` then ``- `name` ...`` lines)."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("## `"):
            current = line.split("`")[1]
            out[current] = []
        elif line.startswith("- `") and current:
            out[current].append(line.split("`")[1])
    return out


def test_every_package_exports_exactly_what_docs_api_lists() -> None:
    """HTTPX-style: ``__all__`` is the documented surface, and every name in it exists."""
    import importlib

    documented = _documented()
    assert "cxradar.identify" in documented and "cxradar.survey" in documented
    for package, names in documented.items():
        module = importlib.import_module(package)
        assert sorted(module.__all__) == sorted(names), f"{package}: update docs/api.md or __all__"
        for name in names:
            assert hasattr(module, name), f"{package}.{name}"
