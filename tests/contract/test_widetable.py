"""Wide-table mode: a GBK wide table with Chinese column names and values becomes subscribers and
usage_monthly; quarantine points at the wide file, row, line and original column; bad mappings say
"did you mean" with the mapping's file name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from tests.contract.conftest import AS_OF, MSISDNS

from cxradar.config import conf_path
from cxradar.contract import load_mapping, validate_dir, wide_to_tables
from cxradar.errors import ConfigError, MissingColumnError

EXAMPLE = conf_path("widetable", "example.yaml")
MONTHS = {"202608": "前2月ARPU", "202609": "上月ARPU", "202610": "当月ARPU"}
PATTERNED = [
    "计费时长",
    "网内通话时长",
    "网间通话时长",
    "呼转次数",
    "未接来电次数",
    "流量MB",
    "漫游天数",
    "短信条数",
    "掉话次数",
    "欠费停机次数",
    "缴费方式变更次数",
]


def wide_frame() -> pd.DataFrame:
    n = len(MSISDNS)
    wide = pd.DataFrame(
        {
            "手机号码": MSISDNS,
            "入网时间": ["2019-03-01", "2021/7/15", "20240110", "2025-12-31"],
            "品牌": ["全球通", "动感地带", "神州行", "全球通"],
            "主套餐编码": ["P128", "P58", "P18", "P198"],
            "客户群": ["中高端", "流量", "大众", "政企"],
            "客户星级": ["四星", "二星", "普通", "钻石"],
            "性别": ["男", "女", "", "男"],
            "年龄": ["45", "23", "", "38"],
            "职业": ["教师", "学生", "", "工程师"],
            "归属区县": ["海淀区", "朝阳区", "东城区", "海淀区"],
            "付费类型": ["后付费", "预付费", "预付费", "后付费"],
            "集团编码": ["", "", "", "G001"],
            "是否集团统付": ["否", "否", "否", "是"],
            "联系信息完整": ["是", "是", "否", "是"],
            "是否本地用户": ["是"] * n,
            "用户状态": ["正常", "正常", "欠费停机", "正常"],
            "状态变更时间": ["2019-03-01", "2021-07-15", "2026-10-02", "2025-12-31"],
            "离网类型": ["未离网", "未离网", "被动离网", "未离网"],
            "主要缴费渠道": ["微信", "支付宝", "营业厅", "银行代扣"],
        }
    )
    for month, arpu in MONTHS.items():
        wide[arpu] = ["128.5", "58", "18", "198"]
        for stem in PATTERNED:
            wide[f"{stem}_{month}"] = ["3"] * n
    return wide


@pytest.fixture
def folder(make_data: Callable[..., Path]) -> Path:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        del frames["subscribers"], frames["usage_monthly"]

    return make_data(edit)


def test_gbk_wide_table_is_validated_like_the_tables(folder: Path) -> None:
    wide = folder.parent / "kuanbiao.csv"
    frame = wide_frame()
    frame.loc[1, "性别"] = "未知"  # no value map -> kept, then fails 'allowed'
    frame.loc[2, "上月ARPU"] = "abc"  # a monthly column that does not parse
    frame.to_csv(wide, index=False, encoding="gbk")
    out = folder.parent / "out"
    report = validate_dir(folder, out, as_of=AS_OF, wide_table=wide, mapping=EXAMPLE)
    subs, usage = report.tables["subscribers"], report.tables["usage_monthly"]
    assert (subs.rows_in, subs.accepted, subs.quarantined) == (4, 3, 1)
    # subscriber 2's 3 months fail the reference; subscriber 3's September fails its type
    assert (usage.rows_in, usage.accepted, usage.quarantined) == (12, 8, 4)
    assert usage.months == {"2026-08": 3, "2026-09": 2, "2026-10": 3}
    q = pd.read_csv(out / "quarantine" / "subscribers.csv", encoding="utf-8-sig", dtype=str)
    assert q.loc[0, ["file", "row", "line", "column", "value", "rule"]].tolist() == [
        str(wide),
        "2",
        "3",
        "性别",
        "未知",
        "allowed",
    ]
    qu = pd.read_csv(out / "quarantine" / "usage_monthly.csv", encoding="utf-8-sig", dtype=str)
    typed = qu[qu["rule"] == "type"].iloc[0]
    assert (typed["row"], typed["line"], typed["column"], typed["value"]) == ("3", "4", "上月ARPU", "abc")
    accepted = pd.read_parquet(out / "accepted" / "subscribers.parquet")
    assert list(accepted["brand"]) == ["gotone", "easyown", "gotone"]
    assert list(accepted["customer_level"]) == ["gold", "normal", "diamond"]
    assert accepted["is_local"].all()
    spend = pd.read_parquet(out / "accepted" / "usage_monthly.parquet")
    assert spend.loc[spend["msisdn"] == MSISDNS[0], "spend"].tolist() == [128.5] * 3


def test_unknown_mapping_keys_say_did_you_mean_with_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text("subscribers:\n  msisdm: 手机号码\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"m\.yaml.*Did you mean 'msisdn'\?"):
        load_mapping(bad)
    bad.write_text("subscriber:\n  msisdn: 手机号码\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"m\.yaml.*Did you mean 'subscribers'\?"):
        load_mapping(bad)
    bad.write_text("subscribers:\n  gender: {colum: 性别}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"m\.yaml.*Did you mean 'column'\?"):
        load_mapping(bad)


def test_mapped_column_missing_from_the_wide_table(tmp_path: Path) -> None:
    wide = tmp_path / "w.csv"
    wide_frame().rename(columns={"手机号码": "手机号"}).to_csv(wide, index=False, encoding="gbk")
    with pytest.raises(MissingColumnError, match=r"w\.csv.*'手机号码'.*Did you mean '手机号'\?"):
        wide_to_tables(wide, EXAMPLE)


def test_example_mapping_builds_both_tables(tmp_path: Path) -> None:
    wide = tmp_path / "w.parquet"
    wide_frame().to_parquet(wide)
    tables = wide_to_tables(wide, EXAMPLE)
    assert set(tables) == {"subscribers", "usage_monthly"}
    usage = tables["usage_monthly"]
    assert len(usage) == 12 and sorted(set(usage["month"])) == ["2026-08", "2026-09", "2026-10"]
    assert tables["subscribers"]["gender"].tolist()[:2] == ["M", "F"]
