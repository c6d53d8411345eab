"""The card builder: numbers normalised, who gets a card and what it says, and bad inputs named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cxradar.errors import DataError, StateError
from cxradar.serve.cards import build_cards, cards_meta_path, cards_path
from cxradar.serve.msisdn import MSISDN_PATTERN, InvalidMsisdnError, mask_msisdn, msisdn_key, normalise_msisdn

from .conftest import A, B, C, D, E, F, H, make_run_dir


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("(138) 1234.5678", "13812345678"),
        ("+ 86 (138) 1234-5678 ", "13812345678"),
    ],
)
def test_numbers_are_accepted_as_operators_send_them(raw: str, expected: str) -> None:
    assert normalise_msisdn(raw) == expected
    assert msisdn_key(expected) == int(expected)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1381234567",
        "12812345678",
        "+1 138 1234 5678",
        "138123456789",
        "abc",
        "１３８１２３４５６７８",
        "138\t1234\t5678",
    ],
)
def test_anything_else_is_refused_with_what_a_valid_number_looks_like(raw: str) -> None:
    with pytest.raises(InvalidMsisdnError, match="not a mobile number") as caught:
        normalise_msisdn(raw)
    assert "13812345678" in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+86 138-1234-5678",
        "0086.138",
        "8613812345678",
        "(13)812345678",
        "+1 38",
        "１３８１２３４５６７８",
        "86 86 13812345678",
    ],
)
def test_the_documented_pattern_accepts_exactly_what_normalises(raw: str) -> None:
    try:
        normalise_msisdn(raw)
        accepted = True
    except InvalidMsisdnError:
        accepted = False
    assert accepted == bool(re.fullmatch(MSISDN_PATTERN, raw))


def test_masking_keeps_three_and_four_digits() -> None:
    assert mask_msisdn("13812345678") == "138****5678"


def _cards(run: Path) -> dict[str, dict]:
    rows = duckdb.sql(f"SELECT msisdn, card FROM '{cards_path(run, '2026-10')}'").fetchall()
    return {m: json.loads(c) for m, c in rows}


def test_who_gets_a_card_and_what_it_says(published_template: Path) -> None:
    cards = _cards(published_template)
    # E is in the control group (treated as usual), G's flag was already delivered
    assert set(cards) == {A, B, C, D, F, H}
    a = cards[A]
    assert [entry["list"] for entry in a["lists"]] == ["explicit_pool"]
    assert a["lists"][0]["kinds"] == [{"kind": "complaint", "label_en": "complaint", "label_zh": "投诉"}]
    assert a["lists"][0]["since"] == "2026-10-10" and a["lists"][0]["cause"]["zh"] == "服务"
    assert a["care"]["strategy"] == "targeted_remedy" and a["care"]["strategy_zh"] == "对症下药"
    assert a["care"]["channel_zh"] == "外呼" and a["care"]["care_id"] == "care-2026-10-0000001"
    assert a["contact"] == {
        "do_not_disturb": False,
        "fatigue": {
            "reason": "fatigue_30d",
            "detail_en": "1 contact in 30 days",
            "detail_zh": "30天内1次接触",
        },
    }
    assert (
        a["churn"]["band"] == "high" and a["churn"]["label_zh"] == "高" and a["churn"]["probability"] == 0.62
    )
    c = cards[C]
    assert [k["kind"] for k in c["lists"][0]["kinds"]] == ["model_predicted", "silent"]
    assert c["lists"][0]["probability"] == 0.8123 and c["care"]["strategy"] == "wait_for_contact"
    assert [(p["care_id"], p["created_at"], p["expires_at"], p["channel"]) for p in c["pending"]] == [
        ("care-2026-10-0000003", "2026-11-01T09:00:00", "2026-12-01T09:00:00", "hotline")
    ]
    assert cards[D]["contact"]["do_not_disturb"] is True and cards[D]["care"]["channel"] == "sms"
    assert cards[F]["lists"] == [] and cards[F]["pending"][0]["channel"] == "hall"
    assert cards[H]["churn"]["band"] == "watch" and cards[H]["lists"] == [] and cards[H]["care"] is None
    assert all(card["month"] == "2026-10" for card in cards.values())
    meta = json.loads(cards_meta_path(published_template, "2026-10").read_text())
    assert meta["count"] == 6 and meta["quiet_hours"] == {
        "channels": ["outbound"],
        "start": "21:00",
        "end": "09:00",
    }
    assert meta["sources"]["pending"] == {
        "care/2026-09/pending_care.parquet": 2,
        "care/2026-10/pending_care.parquet": 2,
    }


def test_a_churn_list_of_another_month_is_not_shown(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    (run / "churn" / "churn_report.json").write_text(json.dumps({"month": "2026-09"}))
    build_cards(run, "2026-10")
    cards = _cards(run)
    assert H not in cards and cards[A]["churn"] is None


def test_optional_inputs_may_be_absent(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    for folder in ("care", "churn"):
        for path in sorted((run / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    meta = build_cards(run, "2026-10")
    cards = _cards(run)
    assert meta["count"] == 5 and set(cards) == {A, B, C, D, E}
    assert cards[E]["care"] is None and cards[E]["lists"][0]["list"] == "potential"


def test_the_month_must_be_the_one_the_run_folder_holds(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    with pytest.raises(StateError, match="holds the outputs of 2026-10, not of 2026-11"):
        build_cards(run, "2026-11")
    (run / "pool.parquet").unlink()
    with pytest.raises(StateError, match=r"pool\.parquet does not exist"):
        build_cards(run, "2026-10")


def test_a_number_that_does_not_normalise_is_named_masked(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    pool = pd.read_parquet(run / "pool.parquet")
    pool.loc[1, "msisdn"] = "23800000002"
    pool.to_parquet(run / "pool.parquet", index=False)
    with pytest.raises(DataError, match=r"pool\.parquet: column msisdn holds 1 value\(s\).*238\*\*\*\*0002"):
        build_cards(run, "2026-10")
    assert not cards_path(run, "2026-10").exists()
