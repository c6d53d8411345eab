"""Model files: headers, ordering by dependency, placeholders, and the month parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxradar.contract.schema import load_contracts
from cxradar.engine import load_models, month_params, order_models, parse_model, render
from cxradar.engine.params import batch_params
from cxradar.errors import ConfigError
from cxradar.features import feature_models
from cxradar.months import month_date as parse_month
from cxradar.months import month_index
from cxradar.months import month_shift as shift_month

SOURCES = set(load_contracts())


def _write(folder: Path, name: str, header: str, body: str = "SELECT 1 AS x") -> Path:
    path = folder / f"{name}.sql"
    path.write_text(f"-- name: {name}\n{header}{body}\n", encoding="utf-8")
    return path


def test_every_shipped_model_has_a_complete_header() -> None:
    for model in load_models().values():
        assert model.grain and model.description, model.name
        assert model.columns, model.name
        assert all(c.en and c.zh for c in model.columns), model.name
        assert model.columns[0].kind == "key"


def test_header_is_parsed(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "m",
        "-- grain: one row per x\n-- description: d\n-- depends_on: [subscribers]\n-- materialized: view\n"
        "-- catalog: true\n-- columns:\n--   x: numeric | ratio: a / b | 比率\n",
    )
    model = parse_model(path)
    assert (model.grain, model.depends_on, model.materialized, model.catalog) == (
        "one row per x",
        ("subscribers",),
        "view",
        True,
    )
    assert (model.columns[0].name, model.columns[0].en, model.columns[0].zh) == ("x", "ratio: a / b", "比率")
    assert model.sql == "SELECT 1 AS x"


def test_bad_headers_name_the_file_and_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Did you mean 'depends_on'"):
        parse_model(_write(tmp_path, "a", "-- depend_on: []\n"))
    with pytest.raises(ConfigError, match=r"<kind> \| English label"):
        parse_model(_write(tmp_path, "b", "-- columns:\n--   x: number | a | b\n"))
    path = tmp_path / "c.sql"
    path.write_text("-- name: other\nSELECT 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="differs from the file name"):
        parse_model(path)


def test_order_puts_dependencies_first_and_limits_to_targets(tmp_path: Path) -> None:
    _write(tmp_path, "c", "-- depends_on: [b, subscribers]\n")
    _write(tmp_path, "b", "-- depends_on: [a]\n")
    _write(tmp_path, "a", "-- depends_on: []\n")
    _write(tmp_path, "z", "-- depends_on: [a]\n")
    models = load_models(tmp_path)
    assert [m.name for m in order_models(models, SOURCES, targets=["c"])] == ["a", "b", "c"]
    assert len(order_models(models, SOURCES)) == 4
    shipped = [m.name for m in feature_models()]
    assert (
        shipped.index("incident_scope")
        < shipped.index("base_incident_hits")
        < shipped.index("incident_window")
    )
    assert shipped.index("base_usage") < shipped.index("usage_window") < shipped.index("feature_inputs")
    assert shipped.index("feature_inputs") < shipped.index("feat_usage") and shipped[-1] == "features"


def test_unknown_dependency_and_cycles(tmp_path: Path) -> None:
    _write(tmp_path, "a", "-- depends_on: [subscriber]\n")
    with pytest.raises(ConfigError, match="Did you mean 'subscribers'"):
        order_models(load_models(tmp_path), SOURCES)
    _write(tmp_path, "a", "-- depends_on: [b]\n")
    _write(tmp_path, "b", "-- depends_on: [a]\n")
    with pytest.raises(ConfigError, match="cycle"):
        order_models(load_models(tmp_path), SOURCES)


def test_render_fills_placeholders_and_names_missing_ones(tmp_path: Path) -> None:
    model = parse_model(_write(tmp_path, "m", "", "SELECT @as_of_month AS m, @as_of_index AS i -- @ignored"))
    assert render(model, month_params("2026-01")).startswith("SELECT DATE '2026-01-01' AS m, 24312 AS i")
    bad = parse_model(_write(tmp_path, "n", "", "SELECT @as_of_mnth"))
    with pytest.raises(ConfigError, match="Did you mean 'as_of_month'"):
        render(bad, month_params("2026-01"))


def test_month_params_by_hand() -> None:
    params = month_params("2026-02")
    assert params["as_of_month"] == "DATE '2026-02-01'"
    assert params["as_of_end"] == "DATE '2026-03-01'"
    assert params["month_minus_1"] == "DATE '2026-01-01'"
    assert params["month_minus_5"] == "DATE '2025-09-01'"  # crosses the year
    assert params["as_of_index"] == str(2026 * 12 + 1)
    assert params["low_rating_max"] == "2"
    assert month_params("2026-12")["as_of_end"] == "DATE '2027-01-01'"
    assert parse_month("2026-06-01") == parse_month("2026-06")
    for bad in ("2026-13", "June", "2026/06"):
        with pytest.raises(ConfigError, match="YYYY-MM"):
            parse_month(bad)


def test_batch_params_and_month_arithmetic_by_hand() -> None:
    assert batch_params("2025-11", "2026-02") == {
        "first_month": "DATE '2025-11-01'",
        "batch_end": "DATE '2026-03-01'",  # the first day after the batch
        "low_rating_max": "2",
    }
    assert month_index("2026-01") == 2026 * 12 and month_index("2025-12") == 2026 * 12 - 1
    assert shift_month("2026-01", -1) == "2025-12" and shift_month("2025-11", 14) == "2027-01"
    with pytest.raises(ConfigError, match="ends before it starts"):
        batch_params("2026-02", "2026-01")
