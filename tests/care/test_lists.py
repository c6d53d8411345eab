"""Channel lists: masking, salted hashing, CSV with BOM and Excel, one list per channel and day."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cxradar.care.io import write_csv_bom, write_excel
from cxradar.care.lists import LIST_HEADERS, channel_lists


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
