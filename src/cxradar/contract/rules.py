"""The validation rules: their names, what they mean in English and Chinese, and the fix.

Validation writes the rule name into every quarantine entry; the report, the CLI and the docs
read the labels from here so that one rule is described in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["QUARANTINE_COLUMNS", "RULES", "Rule"]


@dataclass(frozen=True)
class Rule:
    """One validation rule with its bilingual description and the generic fix."""

    name: str
    en: str
    zh: str
    fix: str


RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule(
            "malformed_line",
            "line does not have as many fields as the header",
            "该行字段数与表头不一致",
            "check the delimiter and the quoting on that line (quote values that contain the "
            "delimiter); the other lines were kept",
        ),
        Rule(
            "type",
            "value does not parse as the column's type",
            "取值无法解析为该列类型",
            "write the value in the declared type (docs/data-contract.md#types); it is never coerced",
        ),
        Rule(
            "not_null",
            "required value is empty",
            "必填值为空",
            "fill in the value, or declare the column nullable in its contract file",
        ),
        Rule(
            "allowed",
            "value is not one of the allowed values",
            "取值不在允许范围内",
            "use one of the allowed values (docs/data-contract.md), or map it with a wide-table value map",
        ),
        Rule(
            "min",
            "value is below the minimum",
            "取值低于下限",
            "correct the value; the minimum is declared in the contract",
        ),
        Rule(
            "max",
            "value is above the maximum",
            "取值高于上限",
            "correct the value; the maximum is declared in the contract",
        ),
        Rule(
            "pattern",
            "value does not match the required pattern",
            "取值格式不符合要求",
            "write the value in the declared format (e.g. an 11-digit msisdn 13812345678)",
        ),
        Rule(
            "not_future",
            "date lies after the as-of date",
            "日期晚于数据截止日期",
            "correct the date, or pass --as-of with the extraction date",
        ),
        Rule(
            "not_before",
            "end lies before start",
            "结束时间早于开始时间",
            "correct the two dates so that the later one is not before the earlier",
        ),
        Rule(
            "reference",
            "value is not found in the referenced table",
            "在关联表中找不到该值",
            "add the missing row to the referenced table, or drop this row",
        ),
        Rule(
            "duplicate_key",
            "key repeats an earlier row (the first is kept)",
            "主键重复（保留首条）",
            "remove the duplicate rows; the first occurrence was accepted",
        ),
        Rule(
            "duplicate_value",
            "value of a unique column repeats an earlier row",
            "唯一列取值重复",
            "make the values unique; the first occurrence was accepted",
        ),
    )
}

QUARANTINE_COLUMNS = (
    "table",
    "file",
    "row",
    "line",
    "column",
    "value",
    "rule",
    "problem",
    "problem_zh",
    "fix",
)
