"""The validation report: per-table counts, warnings, top problems and whether the data is usable."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["TABLE_STATUSES", "UNREAD_STATUSES", "TableReport", "ValidationReport", "check_month_covered"]

# status -> (en, zh)
TABLE_STATUSES: dict[str, tuple[str, str]] = {
    "ok": ("ok", "通过"),
    "warnings": ("ok, with warnings", "通过（有提示）"),
    "quarantined": ("ok, some rows quarantined", "通过（部分行隔离）"),
    "too_many_bad": ("too many bad rows", "问题行过多"),
    "absent": ("absent (optional)", "未提供（可选）"),
    "missing": ("missing (required)", "缺失（必需）"),
    "empty": ("no rows (required)", "无数据（必需）"),
    "error": ("unreadable", "无法读取"),
}
# statuses whose table was never read: its counts are not "0 rows" but unknown
UNREAD_STATUSES = ("absent", "missing", "error")


@dataclass
class TableReport:
    """What validation found for one table. For validated tables rows_in == accepted + quarantined."""

    table: str
    zh: str = ""
    file: str | None = None
    required: bool = True
    status: str = "ok"
    rows_in: int = 0
    accepted: int = 0
    quarantined: int = 0
    rules: dict[str, int] = field(default_factory=dict)  # rule -> number of problems
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # informational, e.g. optional columns filled with nulls
    months: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" -> accepted rows
    error: str | None = None

    @property
    def quarantined_share(self) -> float:
        return self.quarantined / self.rows_in if self.rows_in else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["quarantined_share"] = round(self.quarantined_share, 6)
        out["status_en"], out["status_zh"] = TABLE_STATUSES[self.status]
        return out


@dataclass
class ValidationReport:
    """The outcome of :func:`cxradar.contract.validate_dir`."""

    data_dir: str
    out_dir: str
    as_of: str
    max_quarantine_share: float
    tables: dict[str, TableReport]
    top_problems: list[dict[str, Any]] = field(default_factory=list)
    wide_table: str | None = None

    @property
    def reasons(self) -> list[str]:
        """Why the data is not usable (empty when it is)."""
        out = []
        for t in self.tables.values():
            if t.status == "error" and not t.required:
                out.append(
                    f"{t.table}: {t.error} (the table is optional, but a file was given and cannot be "
                    "read: correct it, or remove it to run without the table)"
                )
            elif t.status in ("missing", "error", "empty") and t.required:
                out.append(f"{t.table}: {t.error}")
            elif t.status == "too_many_bad":
                out.append(
                    f"{t.table}: {t.quarantined_share:.1%} of rows quarantined "
                    f"(limit {self.max_quarantine_share:.1%}; raise it with --max-quarantine-share)"
                )
        return out

    @property
    def usable(self) -> bool:
        return not self.reasons

    @property
    def rows_in(self) -> int:
        return sum(t.rows_in for t in self.tables.values())

    @property
    def quarantined(self) -> int:
        return sum(t.quarantined for t in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "usable": self.usable,
            "reasons": self.reasons,
            "data_dir": self.data_dir,
            "wide_table": self.wide_table,
            "out_dir": self.out_dir,
            "as_of": self.as_of,
            "max_quarantine_share": self.max_quarantine_share,
            "rows_in": self.rows_in,
            "quarantined": self.quarantined,
            "tables": {name: t.to_dict() for name, t in self.tables.items()},
            "top_problems": self.top_problems,
        }


def check_month_covered(report: dict[str, Any], month: str, table: str = "usage_monthly") -> None:
    """Raise :class:`~cxradar.errors.DataError` when the validated ``table`` (from a report's
    ``to_dict``) has no rows in ``month`` (``YYYY-MM``), saying which months the data covers."""
    from cxradar.errors import DataError

    months = sorted((report.get("tables", {}).get(table) or {}).get("months") or {})
    if month in months:
        return
    where = report.get("wide_table") or report.get("data_dir")
    if not months:
        raise DataError(
            f"{where}: table '{table}' has no accepted rows in any month, so {month} cannot be run",
            fix=f"check {table} (cxradar validate {report.get('data_dir')})",
        )
    side = "ends" if month > months[-1] else "begins"
    edge = months[-1] if side == "ends" else months[0]
    raise DataError(
        f"there is no data for {month} in {where}: table '{table}' covers {months[0]} .. {months[-1]} "
        f"(the data {side} at {edge})",
        fix=f"pass --month {edge} or another month in that range, or add the month's tables",
    )
