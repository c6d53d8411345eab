"""Page 2 - who is dissatisfied: by segment, brand, district, tenure and cause, against the rest."""

from __future__ import annotations

from cxradar.dashboard import fmt
from cxradar.dashboard.build import MonthTables
from cxradar.dashboard.charts import bar
from cxradar.dashboard.labels import AGE_BANDS, TENURE_BANDS
from cxradar.dashboard.model import Bullets, Page, Section
from cxradar.dashboard.pages.chartspec import Measure, by_code, row_bars
from cxradar.dashboard.pages.common import frame_table, notice_section, row_labels
from cxradar.dashboard.text import t

__all__ = ["DIMENSION_TITLES", "PAGE_ID", "build"]

PAGE_ID = "who"
DIMENSION_TITLES = {
    "segment": t("By segment", "按客户群"),
    "brand": t("By brand", "按品牌"),
    "district": t("By district", "按区县"),
    "customer_level": t("By customer level", "按客户星级"),
    "payment_type": t("By payment type", "按付费方式"),
    "tenure_band": t("By tenure", "按在网时长"),
    "age_band": t("By age", "按年龄"),
}
LISTS = {"explicit": t("explicit pool", "明确不满意池"), "potential": t("potential list", "潜在名单")}
# bands keep their natural order (youngest / newest first)
_ORDERED = {
    "tenure_band": [code for code, *_rest in TENURE_BANDS],
    "age_band": [code for code, *_rest in AGE_BANDS],
}


def _profile_chart(m: MonthTables, dimension: str) -> list:
    frame = m.table("dissatisfied_profile")
    part = frame.loc[frame["dimension"] == dimension]
    if not len(part):
        return []
    if dimension in _ORDERED:
        order = {code: i for i, code in enumerate(_ORDERED[dimension])}
        part = part.assign(_o=part["code"].map(order).fillna(len(order))).sort_values("_o")
    return [
        row_bars(
            f"who-{dimension.replace('_', '-')}",
            DIMENSION_TITLES[dimension] + t(": dissatisfied share", "：不满意客户占比"),
            part,
            Measure("share", t("dissatisfied share", "不满意占比")),
            horizontal=True,
            percent=True,
            note=t(
                "Dissatisfied = in the explicit pool or on the potential list; share of the group's active subscribers.",
                "不满意 = 在明确不满意池中或在潜在不满意名单上；占该组在网用户的比例。",
            ),
        )
    ]


def top_reasons(m: MonthTables) -> list:
    causes = m.table("dissatisfied_causes")
    if not len(causes):
        return []
    items = []
    totals = causes.groupby("cause")["customers"].sum().sort_values(ascending=False)
    for code in totals.index:
        rows = causes.loc[causes["cause"] == code]
        label = rows.iloc[0]
        explicit = rows.loc[rows["list"] == "explicit"]
        potential = rows.loc[rows["list"] == "potential"]
        e_n = int(explicit["customers"].sum()) if len(explicit) else 0
        p_n = int(potential["customers"].sum()) if len(potential) else 0
        e_s = fmt.pct(explicit["share"].iloc[0]) if len(explicit) else fmt.pct(0)
        p_s = fmt.pct(potential["share"].iloc[0]) if len(potential) else fmt.pct(0)
        items.append(
            t(
                f"{label['label_en'].capitalize()}: {fmt.count(e_n)} customers in the pool ({e_s}) and "
                f"{fmt.count(p_n)} on the potential list ({p_s}).",
                f"{label['label_zh']}：明确不满意池{fmt.count(e_n)}人（{e_s}），潜在不满意名单{fmt.count(p_n)}人（{p_s}）。",
            )
        )
    return [Bullets(items)]


def build(m: MonthTables) -> Page:
    profile = m.table("dissatisfied_profile")
    sections = []
    if not len(profile):
        sections.append(
            notice_section(
                t("Dissatisfied customers", "不满意客户"),
                t("No features for this month", "本月无特征数据"),
                t("run the month with cxradar run", "请先运行 cxradar run"),
            )
        )
    causes = m.table("dissatisfied_causes")
    if len(causes):
        cause_codes = list(dict.fromkeys(causes["cause"]))
        first = causes.drop_duplicates("cause")
        sections.append(
            Section(
                t("Why they are unhappy", "不满原因"),
                [
                    *top_reasons(m),
                    bar(
                        "who-causes",
                        t("Causes on the pool and on the potential list", "明确不满意池与潜在名单的不满原因"),
                        row_labels(first),
                        by_code(causes, "list", cause_codes, "share", over="cause", names=LISTS),
                        percent=True,
                        value_name=t("share of the list", "占名单比例"),
                    ),
                ],
            )
        )
    for dimension in (
        "segment",
        "brand",
        "district",
        "tenure_band",
        "customer_level",
        "age_band",
        "payment_type",
    ):
        blocks = _profile_chart(m, dimension)
        if blocks:
            sections.append(Section(DIMENSION_TITLES[dimension], blocks))
    rest = m.table("dissatisfied_vs_rest")
    if len(rest):
        sections.append(
            Section(
                t("Against the satisfied", "与其他客户对比"),
                [
                    row_bars(
                        "who-vs-rest",
                        t(
                            "Dissatisfied customers' mean over everyone else's (1 = the same)",
                            "不满意客户均值与其他客户均值之比（1为相同）",
                        ),
                        rest,
                        Measure("ratio", t("ratio", "比值")),
                        horizontal=True,
                        mark=(t("same", "相同"), 1.0),
                    ),
                    frame_table(
                        t(
                            "Behaviour of dissatisfied customers and everyone else",
                            "不满意客户与其他客户的行为对比",
                        ),
                        rest,
                        "dissatisfied_vs_rest",
                        [
                            ("label", "text"),
                            ("mean_dissatisfied", "num2"),
                            ("mean_rest", "num2"),
                            ("ratio", "num2"),
                        ],
                    ),
                ],
            )
        )
    examples = m.table("reason_examples")
    if len(examples):
        sections.append(
            Section(
                t("The reasons in words: examples", "原因示例"),
                [
                    frame_table(
                        t(
                            "Example customers and their reasons (numbers masked)",
                            "示例客户及原因（号码已脱敏）",
                        ),
                        examples,
                        "reason_examples",
                        [
                            ("label", "text"),
                            ("msisdn_masked", "text"),
                            ("probability", "pct"),
                            ("reason_en", "pair"),
                        ],
                        collapsed=False,
                    )
                ],
            )
        )
    if len(profile):
        sections.append(
            Section(
                t("All groups", "全部分组"),
                [
                    frame_table(
                        t("Dissatisfied customers per group", "各分组不满意客户"),
                        profile,
                        "dissatisfied_profile",
                        [
                            ("label", "text"),
                            ("subscribers", "count"),
                            ("explicit", "count"),
                            ("potential", "count"),
                            ("dissatisfied", "count"),
                            ("share", "pct"),
                            ("index", "num2"),
                        ],
                    )
                ],
            )
        )
    return Page(
        PAGE_ID,
        t("Who is dissatisfied", "不满意客户特征"),
        t(
            "Where dissatisfied customers are concentrated, why they are unhappy, and how they differ from everyone else.",
            "不满意客户集中在哪些群体、为何不满，以及与其他客户有何不同。",
        ),
        sections,
    )
