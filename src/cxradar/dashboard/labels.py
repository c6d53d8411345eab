"""The words for every code the report shows (segments, districts, causes, strategies, ...).

Labels come from the modules that own the codes where they exist (``identify.labels``,
``care.rules``, ``csi`` specs and IPMA quadrants, the feature catalog, ``conf/survey.yaml``)
and from the tables below for codes that had no words yet (brands, customer levels, products).
:class:`Labels` looks a code up and *records every miss* instead of silently showing the code:
``cxradar report`` prints the misses and the completeness test fails on any, so an untranslated
label cannot reach a manager unnoticed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cxradar.care.policies import REASONS as LEFT_OUT_REASONS
from cxradar.care.rules import CHANNELS as CARE_CHANNELS
from cxradar.care.rules import STRATEGIES, load_rules
from cxradar.churn.score import feature_labels
from cxradar.csi.ipma import QUADRANTS
from cxradar.csi.spec import load_model_spec
from cxradar.dashboard.text import Text
from cxradar.identify.labels import (
    CAUSE_LABELS,
    CHANNEL_LABELS,
    COMPLAINT_TYPE_LABELS,
    DISTRICT_ZH,
    EXIT_LABELS,
    INCIDENT_LABELS,
    KIND_LABELS,
    SIGNAL_LABELS,
)
from cxradar.survey.config import load_survey_config

__all__ = ["AGE_BANDS", "TENURE_BANDS", "Labels"]

BRANDS = {
    "gotone": ("GoTone", "全球通"),
    "mzone": ("M-Zone", "动感地带"),
    "easyown": ("Easy-Own", "神州行"),
}
LEVELS = {
    "normal": ("standard", "普通"),
    "silver": ("silver", "银卡"),
    "gold": ("gold", "金卡"),
    "platinum": ("platinum", "白金卡"),
    "diamond": ("diamond", "钻石卡"),
}
PAYMENT = {"prepaid": ("prepaid", "预付费"), "postpaid": ("postpaid", "后付费")}
PRODUCTS = {
    "voice": ("voice", "语音"),
    "data": ("mobile data", "流量"),
    "value_added": ("value-added services", "增值业务"),
    "broadband": ("broadband", "宽带"),
    "other": ("other", "其他"),
}
# (code, lower bound in months inclusive, upper bound exclusive, en, zh)
TENURE_BANDS = (
    ("t0_3", 0, 3, "under 3 months", "3个月以下"),
    ("t3_12", 3, 12, "3-12 months", "3-12个月"),
    ("t12_24", 12, 24, "1-2 years", "1-2年"),
    ("t24_60", 24, 60, "2-5 years", "2-5年"),
    ("t60", 60, 100_000, "5 years and more", "5年及以上"),
)
AGE_BANDS = (
    ("a0_25", 0, 25, "under 25", "25岁以下"),
    ("a25_35", 25, 35, "25-34", "25-34岁"),
    ("a35_45", 35, 45, "35-44", "35-44岁"),
    ("a45_60", 45, 60, "45-59", "45-59岁"),
    ("a60", 60, 200, "60 and over", "60岁及以上"),
)
CONSTRUCTS_EN = {
    "Image": "image",
    "Expectation": "expectation",
    "NetworkQuality": "network quality",
    "ServiceQuality": "service quality",
    "BillingQuality": "billing quality",
    "Quality": "perceived quality",
    "Value": "perceived value",
    "Satisfaction": "satisfaction",
    "Complaints": "complaints",
    "Loyalty": "loyalty",
}
SURVEY_CHANNELS = {"web": ("web", "网页")}
CORE = {"core": ("core customers", "核心客户"), "mass": ("mass customers", "大众客户")}
OTHER = {"unknown": ("not recorded", "未记录"), "all": ("all", "全部")}


def _pairs(table: dict[str, tuple[str, str]]) -> dict[str, Text]:
    return {code: Text(en, zh) for code, (en, zh) in table.items()}


def _zh_first(table: dict[str, tuple[str, str]]) -> dict[str, Text]:
    return {code: Text(en, zh) for code, (zh, en) in table.items()}


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, Text]]:
    survey = load_survey_config()
    spec = load_model_spec("telecom")
    rules = load_rules()
    features = {name: Text(v["en"], v["zh"]) for name, v in feature_labels().items()}
    constructs = {c.name: Text(CONSTRUCTS_EN.get(c.name, c.name), c.zh or c.name) for c in spec.constructs}
    indicators: dict[str, Text] = {}
    for c in spec.constructs:
        for i, item in enumerate(c.indicators, start=1):
            indicators[item] = Text(f"{constructs[c.name].en}, item {i} ({item})", f"{c.zh}第{i}题（{item}）")
    tables: dict[str, dict[str, Text]] = {
        "segment": _zh_first(survey.labels.get("segment", {})),
        "core": _pairs(CORE),
        "brand": _pairs(BRANDS),
        "district": {code: Text(code.replace("_", " ").title(), zh) for code, zh in DISTRICT_ZH.items()},
        "customer_level": _pairs(LEVELS),
        "payment_type": _pairs(PAYMENT),
        "tenure_band": {code: Text(en, zh) for code, _lo, _hi, en, zh in TENURE_BANDS},
        "age_band": {code: Text(en, zh) for code, _lo, _hi, en, zh in AGE_BANDS},
        "cause": _pairs(CAUSE_LABELS),
        "kind": {**_pairs(KIND_LABELS), "explicit": Text("explicit (told us)", "明确不满意")},
        "signal": _pairs(SIGNAL_LABELS),
        "exit": _pairs(EXIT_LABELS),
        "incident": _pairs(INCIDENT_LABELS),
        "channel": {**_pairs(CHANNEL_LABELS), **_pairs(CARE_CHANNELS), **_pairs(SURVEY_CHANNELS)},
        "strategy": _pairs(STRATEGIES),
        "left_out": _pairs(LEFT_OUT_REASONS),
        "rule": {r.id: Text(f"{r.id}: {r.reason_en}", f"{r.id}：{r.reason_zh}") for r in rules.rules},
        "complaint_type": _pairs(COMPLAINT_TYPE_LABELS),
        "product": _pairs(PRODUCTS),
        "construct": constructs,
        "indicator": indicators,
        "touchpoint": {tp.column: Text(tp.en, tp.zh) for tp in survey.touchpoints},
        "quadrant": {code: Text(en.split(":")[0], zh.split("：")[0]) for code, (en, zh) in QUADRANTS.items()},
        "feature": features,
    }
    return tables


_FATIGUE = re.compile(r"fatigue_(\d+)d")


class Labels:
    """Look codes up by kind; every code without words is remembered in :attr:`missing`."""

    def __init__(self) -> None:
        self.tables = _tables()
        self.missing: set[tuple[str, str]] = set()

    def kinds(self) -> list[str]:
        """The kinds of code known (``segment``, ``district`` ...)."""
        return sorted(self.tables)

    def get(self, kind: str, code: object) -> Text:
        """The words for ``code`` of ``kind``; an unknown code is recorded and shown as it is."""
        key = "" if code is None else str(code)
        found = self.tables.get(kind, {}).get(key)
        if found is not None:
            return found
        if key in OTHER:
            return Text(*OTHER[key])
        if kind == "left_out" and (m := _FATIGUE.fullmatch(key)):
            days = m.group(1)
            return Text(f"contact-fatigue limit ({days} days)", f"接触频次上限（{days}天）")
        self.missing.add((kind, key))
        return Text(key, key)

    def feature_by_english(self, english: str) -> Text:
        """The words of a feature found by its English label (as in a reason sentence)."""
        for text in self.tables["feature"].values():
            if text.en == english:
                return text
        self.missing.add(("feature", english))
        return Text(english, english)
