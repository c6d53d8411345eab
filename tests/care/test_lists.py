"""Channel lists: masking, salted hashing, CSV with BOM and Excel, one list per channel and day."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cxradar.care.io import write_csv_bom, write_excel
from cxradar.care.lists import LIST_HEADERS, channel_lists, resolve_tokens
from cxradar.errors import ConfigError
from cxradar.msisdn import dial_token


@pytest.fixture
def plan() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["c-1", "c-2", "c-3", "c-4"],
            "msisdn": ["13812341234", "13900005678", "15011112222", "18633334444"],
            "channel": ["outbound", "outbound", "sms", "outbound"],
            "group": ["treatment", "treatment", "treatment", "control"],
            "strategy": ["proactive_outreach", "targeted_remedy", "targeted_remedy", "proactive_outreach"],
            "scheduled_date": pd.to_datetime(["2026-11-01", "2026-11-01", "2026-11-02", "2026-11-01"]),
            "expected_value": [10.0, 30.0, 5.0, 50.0],
            "script_zh": ["关怀外呼", "账单解释", "短信", "x"],
            "script_en": ["care call", "bill", "sms", "x"],
        }
    )


def test_dial_token_is_the_start_of_the_keyed_hash() -> None:
    s = pd.Series(["13812341234"])
    # reference: the standard library's HMAC-SHA256 (RFC 2104), never a plain or salted hash
    expected = hmac.new(b"salt", b"13812341234", hashlib.sha256).hexdigest()
    assert dial_token(s, "salt").tolist() == [expected[:24]]
    with pytest.raises(ConfigError, match="secret key"):
        dial_token(s, "")


def test_lists_split_by_channel_and_day_without_control(plan: pd.DataFrame) -> None:
    lists = channel_lists(plan)
    assert sorted(lists) == [("outbound", "2026-11-01"), ("sms", "2026-11-02")]
    outbound = lists[("outbound", "2026-11-01")]
    assert list(outbound.columns) == list(LIST_HEADERS.values())
    # best expected value first; masked; control customer c-4 never listed
    assert outbound["手机号码 msisdn"].tolist() == ["139****5678", "138****1234"]
    assert outbound["策略 strategy (zh)"].tolist() == ["对症下药", "主动出击"]
    plain = channel_lists(plan, id_mode="plain")[("sms", "2026-11-02")]
    assert plain["手机号码 msisdn"].tolist() == ["15011112222"]


def test_csv_has_bom_and_excel_opens(tmp_path: Path, plan: pd.DataFrame) -> None:
    table = channel_lists(plan)[("outbound", "2026-11-01")]
    csv = write_csv_bom(table, tmp_path / "d" / "outbound.csv")
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "关怀编号 care id" in raw.decode("utf-8-sig").splitlines()[0]
    xlsx = write_excel({"outbound 2026-11-01": table}, tmp_path / "d" / "outbound.xlsx")
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    assert sheet.cell(row=1, column=2).value == "手机号码 msisdn"
    assert sheet.cell(row=2, column=2).value == "139****5678"
    assert not list(tmp_path.joinpath("d").glob(".*.tmp"))  # atomic writes leave no temp files


def test_outbound_lists_carry_something_to_dial(plan: pd.DataFrame) -> None:
    masked = channel_lists(plan)[("outbound", "2026-11-01")]
    assert "拨打号码 number to dial" not in masked.columns  # lists that leave the system: masked only
    inside = channel_lists(plan, plain_for=["outbound"])
    outbound, sms = inside[("outbound", "2026-11-01")], inside[("sms", "2026-11-02")]
    assert outbound["拨打号码 number to dial"].tolist() == ["13900005678", "13812341234"]
    assert outbound["手机号码 msisdn"].tolist() == ["139****5678", "138****1234"]
    assert "拨打号码 number to dial" not in sms.columns  # only the channels named
    tokens = channel_lists(plan, token_key="k3y")[("outbound", "2026-11-01")]["拨号令牌 dial token"]
    back = resolve_tokens([*tokens, "not-a-token"], plan["msisdn"], "k3y")
    assert back["msisdn"].tolist()[:2] == ["13900005678", "13812341234"] and pd.isna(back["msisdn"].iloc[2])


def test_lists_name_codes_in_chinese_and_carry_the_promised_plan() -> None:
    from cxradar.campaigns.design import design_campaign
    from cxradar.care.assign import assign_care

    flagged = pd.DataFrame(
        {
            "msisdn": ["13900000001", "13900000002"],
            "kinds": ["model_predicted", "silent"],
            "probability": [0.8, 0.7],
            "cause": ["value", "unknown"],
            "segment": ["high_end", "mass"],
            "value": [150.0, 200.0],
            "plan": ["GT58", "GT88"],
            "contact_complete": True,
        }
    )
    chosen = assign_care(flagged, as_of=pd.Timestamp("2026-11-01 09:00")).selected
    _, plan, _ = design_campaign(
        chosen, campaign="c", assigned_at=pd.Timestamp("2026-11-01 09:00"), control_share=0.0
    )
    table = pd.concat(channel_lists(plan).values(), ignore_index=True).set_index("关怀编号 care id")
    value = table.loc[table["补救代码 remedy code"] == "better_fitting_plan"].iloc[0]
    # R07: a core customer on GT58 spending 150 a month -> GT128 (need 58 + 92 / 1.5 = 119), saving 22
    assert value["客户群 segment (zh)"] == "中高端" and value["segment (en)"] == "high-end (high_end)"
    assert value["补救措施 remedy (zh)"].startswith("根据客户实际使用情况推荐")
    assert (
        value["推荐套餐 suggested plan"] == "GT128" and value["预计每月节省(元) saving per month (CNY)"] == 22
    )
    assert value["套餐建议 plan advice (zh)"] == "建议改为GT128（月费128元），预计每月节省约22元"
    assert value["允许时段 allowed hours"] == "09:00-21:00"
    other = table.loc[table["补救代码 remedy code"] != "better_fitting_plan"].iloc[0]
    assert pd.isna(other["推荐套餐 suggested plan"])  # no plan where no script promises one
    assert other["客户群 segment (zh)"] == "大众客户"


def test_excel_lists_have_filters_and_a_frozen_header_and_one_file_mode(
    tmp_path: Path, plan: pd.DataFrame
) -> None:
    from cxradar.engine.files import OUTPUT_FILE_MODE

    table = channel_lists(plan)[("outbound", "2026-11-01")]
    xlsx = write_excel({"outbound 2026-11-01": table}, tmp_path / "d" / "outbound.xlsx")
    csv = write_csv_bom(table, tmp_path / "d" / "outbound.csv")
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert (
        sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(table.columns))}{len(table) + 1}"
    )
    umask = os.umask(0)
    os.umask(umask)
    assert 0o666 & ~umask == OUTPUT_FILE_MODE  # what open() would give; 0644 with umask 022
    for path in (xlsx, csv):
        assert stat.S_IMODE(path.stat().st_mode) == OUTPUT_FILE_MODE  # not mkstemp's 0600


def test_read_decisions_gives_the_decision_texts_as_categoricals(tmp_path: Path) -> None:
    """The run writes plans through the engine as plain text; the evaluation reads them back with
    one category per distinct sentence, not one Python string per row (1.15M rows at 5M)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cxradar.care.io import read_decisions

    path = tmp_path / "care_plan.parquet"
    rows = 3_000
    table = pa.table(
        {
            "msisdn": [f"138{i:08d}" for i in range(rows)],
            "decision_en": ["Rule R01: call.", "Rule R09: wait."] * (rows // 2),
            "strategy": ["proactive_outreach", None, "wait_for_contact"] * (rows // 3),
            "outcome": pa.array([None] * rows, pa.string()),
        }
    )
    pq.write_table(table, path)
    got = read_decisions(path, columns=["msisdn", "decision_en", "strategy", "outcome", "absent"])
    assert list(got.columns) == ["msisdn", "decision_en", "strategy", "outcome"]
    assert isinstance(got["decision_en"].dtype, pd.CategoricalDtype)
    assert sorted(got["decision_en"].cat.categories) == ["Rule R01: call.", "Rule R09: wait."]
    assert not isinstance(got["msisdn"].dtype, pd.CategoricalDtype)  # keys and open fields stay text
    assert not isinstance(got["outcome"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(
        got.astype(object).where(got.notna(), None),
        table.to_pandas().astype(object).where(table.to_pandas().notna(), None),
    )
