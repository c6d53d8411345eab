"""Who is dissatisfied, and segment management over the months.

The month's scored population is ``features/{month}.parquet`` (one row per active subscriber, with
segment, brand, district, tenure ...). A customer counts as *dissatisfied* when they are in the
explicit pool or on the potential list. ``dissatisfied_profile`` gives each group's share and its
*index* (the group's share over the overall share: 1.5 = half again as likely as the average
customer); ``dissatisfied_vs_rest`` compares behaviour with the customers not flagged (the
satisfied, as far as the operator can tell). ``segment_trend`` follows each segment's size and
pool share over every month with features and pool history.
"""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard.aggregates.context import AggregateContext, dig, label_columns
from cxradar.dashboard.labels import AGE_BANDS, TENURE_BANDS
from cxradar.dashboard.tables import coded, col, spec

__all__ = ["COMPARED_FEATURES", "PROFILE_DIMENSIONS", "SPECS", "build", "pool_members_sql"]

PROFILE_DIMENSIONS = (
    "segment",
    "brand",
    "district",
    "customer_level",
    "payment_type",
    "tenure_band",
    "age_band",
)
COMPARED_FEATURES = (
    "avg_spend_3m",
    "spend_ratio_3m_6m",
    "tenure_months",
    "dropped_per_100_calls_3m",
    "missed_calls_3m",
    "complaints_3m",
    "call_forward_m1",
    "arrears_suspensions_6m",
    "avg_data_3m",
    "offnet_onnet_ratio_3m",
)

SPECS = [
    spec(
        "dissatisfied_profile",
        "who",
        ("one row per breakdown and group", "每个维度每个分组一行"),
        (
            "Dissatisfied customers (explicit pool or potential list) per segment, brand, district, level, "
            "payment type, tenure and age, with the share and its index against the average.",
            "不满意客户（明确不满意池或潜在不满意名单）按客户群、品牌、区县、星级、付费方式、在网时长和年龄分布，"
            "含占比及相对平均水平的指数。",
        ),
        col("dimension", "string", "breakdown", "维度"),
        col("code", "string", "group (code)", "分组（代码）"),
        col("label_en", "string", "group (English)", "分组（英文）"),
        col("label_zh", "string", "group (Chinese)", "分组（中文）"),
        col("subscribers", "int", "subscribers", "用户数"),
        col("explicit", "int", "explicit pool", "明确不满意"),
        col("potential", "int", "potential list", "潜在不满意"),
        col("dissatisfied", "int", "dissatisfied (either)", "不满意（合计）"),
        col("share", "float", "dissatisfied share", "不满意占比"),
        col("index", "float", "index vs average (1 = average)", "相对指数（1为平均）"),
    ),
    spec(
        "dissatisfied_vs_rest",
        "who",
        ("one row per behaviour measure", "每项行为指标一行"),
        (
            "Average behaviour of dissatisfied customers against everyone else (not flagged).",
            "不满意客户与其他客户（未被标记）的行为均值对比。",
        ),
        *coded("feature", "measure", "指标"),
        col("mean_dissatisfied", "float", "dissatisfied: mean", "不满意客户均值"),
        col("mean_rest", "float", "everyone else: mean", "其他客户均值"),
        col("ratio", "float", "ratio", "比值"),
    ),
    spec(
        "dissatisfied_causes",
        "who",
        ("one row per list and cause", "每个名单每种原因一行"),
        (
            "Causes of dissatisfaction on the explicit pool and on the potential list.",
            "明确不满意池与潜在不满意名单的不满原因构成。",
        ),
        col("list", "string", "list", "名单"),
        *coded("cause", "cause", "原因"),
        col("customers", "int", "customers", "客户数"),
        col("share", "float", "share of the list", "占名单比例"),
    ),
    spec(
        "reason_examples",
        "who",
        ("one row per example customer (masked)", "每位示例客户一行（号码脱敏）"),
        (
            "Example customers of each kind with the reasons in words (msisdn masked).",
            "各类潜在不满意客户示例及文字原因（手机号已脱敏）。",
        ),
        *coded("kind", "kind", "类型"),
        col("msisdn_masked", "string", "mobile number (masked)", "手机号（脱敏）"),
        col("probability", "float", "model probability", "模型概率"),
        col("reason_en", "string", "reasons (English)", "原因（英文）"),
        col("reason_zh", "string", "reasons (Chinese)", "原因（中文）"),
    ),
    spec(
        "segment_trend",
        "segments",
        ("one row per month and segment", "每月每个客户群一行"),
        (
            "Segment sizes and the explicit pool's share in each segment over the months of the run.",
            "各客户群规模及明确不满意客户占比的逐月变化。",
        ),
        col("period", "string", "month", "月份"),
        *coded("segment", "segment", "客户群"),
        col("subscribers", "int", "subscribers", "用户数"),
        col("explicit", "int", "explicit pool", "明确不满意"),
        col("explicit_share", "float", "explicit share", "明确不满意占比"),
    ),
]


def _band_case(column: str, bands: tuple[tuple[str, int, int, str, str], ...]) -> str:
    whens = " ".join(
        f"WHEN {column} >= {lo} AND {column} < {hi} THEN '{code}'" for code, lo, hi, _e, _z in bands
    )
    return f"CASE {whens} ELSE 'unknown' END"


def pool_members_sql(period_param: str = "?") -> str:
    """SQL for the msisdns in the explicit pool at the end of a month (from the append-only history).

    As :func:`cxradar.identify.pool.pool_from_history`: a member is someone whose last event is not
    an exit, events ordered by month and, within a month, enter < re-signal < exit (the order the
    pool step processes them in, whatever their timestamps)."""
    return f"""
        SELECT msisdn FROM (
          SELECT msisdn, event, row_number() OVER (
                   PARTITION BY msisdn ORDER BY month DESC,
                   CASE event WHEN 'exit' THEN 0 WHEN 're_signal' THEN 1 ELSE 2 END, "at" DESC) AS rn
          FROM pool_history WHERE month <= {period_param} AND event IN ('enter', 're_signal', 'exit'))
        WHERE rn = 1 AND event <> 'exit'"""


def _flagged_sql(ctx: AggregateContext) -> str:
    pool = (
        "SELECT DISTINCT msisdn FROM pool"
        if ctx.files.has("pool")
        else "SELECT NULL::VARCHAR AS msisdn WHERE false"
    )
    potential = (
        "SELECT DISTINCT msisdn FROM potential"
        if ctx.files.has("potential")
        else "SELECT NULL::VARCHAR AS msisdn WHERE false"
    )
    return f"""
        SELECT f.*, p.msisdn IS NOT NULL AS is_explicit, q.msisdn IS NOT NULL AS is_potential,
               (p.msisdn IS NOT NULL OR q.msisdn IS NOT NULL) AS is_dissatisfied
        FROM features f LEFT JOIN ({pool}) p USING (msisdn) LEFT JOIN ({potential}) q USING (msisdn)"""


def dissatisfied_profile(ctx: AggregateContext) -> pd.DataFrame:
    present = ctx.files.columns("features")
    expressions = {
        "tenure_band": _band_case("tenure_months", TENURE_BANDS) if "tenure_months" in present else None,
        "age_band": _band_case("age", AGE_BANDS) if "age" in present else None,
    }
    selects = []
    for dimension in PROFILE_DIMENSIONS:
        expr = expressions.get(dimension, dimension if dimension in present else None)
        if expr is None:
            continue
        selects.append(
            f"""SELECT '{dimension}' AS dimension, coalesce(CAST({expr} AS VARCHAR), 'unknown') AS code,
                       count(*) AS subscribers, sum(is_explicit::INT) AS explicit,
                       sum(is_potential::INT) AS potential, sum(is_dissatisfied::INT) AS dissatisfied
                FROM flagged GROUP BY ALL"""
        )
    if not selects:
        return pd.DataFrame(columns=SPECS[0].column_names[1:])
    frame = ctx.files.sql(f"WITH flagged AS ({_flagged_sql(ctx)}) " + " UNION ALL ".join(selects))
    total_share = frame.loc[frame["dimension"] == frame["dimension"].iloc[0], "dissatisfied"].sum() / max(
        1, frame.loc[frame["dimension"] == frame["dimension"].iloc[0], "subscribers"].sum()
    )
    frame["share"] = frame["dissatisfied"] / frame["subscribers"]
    frame["index"] = frame["share"] / total_share if total_share > 0 else float("nan")
    parts = []
    for dimension in PROFILE_DIMENSIONS:
        part = frame.loc[frame["dimension"] == dimension]
        if len(part):
            parts.append(
                label_columns(
                    part.sort_values(["share", "code"], ascending=[False, True]), dimension, ctx.labels
                )
            )
    out = pd.concat(parts, ignore_index=True)
    out = out.astype({c: "int64" for c in ("subscribers", "explicit", "potential", "dissatisfied")})
    return out[SPECS[0].column_names[1:]]


def dissatisfied_vs_rest(ctx: AggregateContext) -> pd.DataFrame:
    present = ctx.files.columns("features")
    features = [f for f in COMPARED_FEATURES if f in present]
    if not features:
        return pd.DataFrame(columns=SPECS[1].column_names[1:])
    aggs = ", ".join(
        f"avg({f}) FILTER (WHERE is_dissatisfied) AS d_{f}, avg({f}) FILTER (WHERE NOT is_dissatisfied) AS r_{f}"
        for f in features
    )
    row = ctx.files.sql(f"WITH flagged AS ({_flagged_sql(ctx)}) SELECT {aggs} FROM flagged").iloc[0]
    frame = pd.DataFrame(
        {
            "code": features,
            "mean_dissatisfied": [float(row[f"d_{f}"]) for f in features],
            "mean_rest": [float(row[f"r_{f}"]) for f in features],
        }
    )
    frame["ratio"] = frame["mean_dissatisfied"] / frame["mean_rest"].where(frame["mean_rest"] != 0)
    frame = label_columns(frame, "feature", ctx.labels).rename(columns={"code": "feature"})
    return frame[SPECS[1].column_names[1:]]


def dissatisfied_causes(ctx: AggregateContext) -> pd.DataFrame:
    parts = []
    for name, view in (("explicit", "pool"), ("potential", "potential")):
        if ctx.files.has(view):
            part = ctx.files.sql(
                f"SELECT coalesce(cause, 'unknown') AS code, count(*) AS customers FROM {view} "
                "GROUP BY 1 ORDER BY customers DESC, code"
            )
            part["share"] = part["customers"] / max(1, part["customers"].sum())
            parts.append(label_columns(part, "cause", ctx.labels).assign(list=name))
    if not parts:
        return pd.DataFrame(columns=SPECS[2].column_names[1:])
    frame = pd.concat(parts, ignore_index=True).rename(columns={"code": "cause"})
    return frame[SPECS[2].column_names[1:]]


def reason_examples(ctx: AggregateContext) -> pd.DataFrame:
    rows = []
    for kind, entry in (dig(ctx.summary, "potential", "kinds") or {}).items():
        for example in entry.get("examples", []) or []:
            rows.append(
                {
                    "code": kind,
                    "msisdn_masked": str(example.get("msisdn", "")),
                    "probability": example.get("probability"),
                    "reason_en": str(example.get("reasons_en", "")),
                    "reason_zh": str(example.get("reasons_zh", "")),
                }
            )
    if not rows:
        return pd.DataFrame(columns=SPECS[3].column_names[1:])
    frame = label_columns(pd.DataFrame(rows), "kind", ctx.labels).rename(columns={"code": "kind"})
    frame["probability"] = pd.to_numeric(frame["probability"], errors="coerce").astype("float64")
    return frame[SPECS[3].column_names[1:]]


def segment_trend(ctx: AggregateContext) -> pd.DataFrame:
    parts = []
    have_history = ctx.files.has("pool_history")
    periods = ctx.files.feature_months()
    if have_history:  # months before the pool's first month have no pool to share out
        pool_months = set(ctx.files.sql("SELECT DISTINCT month FROM pool_history")["month"])
        periods = [p for p in periods if p in pool_months]
    for period in periods:
        source = ctx.files.feature_source(period)
        if (
            source is None
            or "segment"
            not in ctx.files.con.execute(f"DESCRIBE SELECT * FROM {source}").df()["column_name"].tolist()
        ):
            continue
        if have_history:
            query = f"""
                WITH members AS ({pool_members_sql()})
                SELECT coalesce(f.segment, 'unknown') AS code, count(*) AS subscribers,
                       count(m.msisdn) AS explicit
                FROM {source} f LEFT JOIN members m USING (msisdn) GROUP BY 1"""
            part = ctx.files.sql(query, [period])
        else:
            part = ctx.files.sql(
                f"SELECT coalesce(segment, 'unknown') AS code, count(*) AS subscribers, 0 AS explicit FROM {source} GROUP BY 1"
            )
        parts.append(part.assign(period=period))
    if not parts:
        return pd.DataFrame(columns=SPECS[4].column_names[1:])
    frame = pd.concat(parts, ignore_index=True).sort_values(["period", "code"])
    frame["explicit_share"] = frame["explicit"] / frame["subscribers"]
    frame = label_columns(frame, "segment", ctx.labels).rename(columns={"code": "segment"})
    frame = frame.astype({"subscribers": "int64", "explicit": "int64"})
    return frame[SPECS[4].column_names[1:]].reset_index(drop=True)


def build(ctx: AggregateContext) -> dict[str, pd.DataFrame]:
    has_features = ctx.files.has("features")
    empty = {s.name: pd.DataFrame(columns=s.column_names[1:]) for s in SPECS}
    return {
        "dissatisfied_profile": dissatisfied_profile(ctx) if has_features else empty["dissatisfied_profile"],
        "dissatisfied_vs_rest": dissatisfied_vs_rest(ctx) if has_features else empty["dissatisfied_vs_rest"],
        "dissatisfied_causes": dissatisfied_causes(ctx),
        "reason_examples": reason_examples(ctx),
        "segment_trend": segment_trend(ctx),
    }
