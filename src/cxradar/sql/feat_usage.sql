-- name: feat_usage
-- grain: one row per subscriber in the population
-- description: >
--   Spend, voice and data over the 6 months ending with the as-of month: averages over the months
--   the line was active (a month with no usage row counts as zero), the 3-to-6-month ratio, the
--   least-squares slope against the month number (per month; NULL with fewer than 2 months), the
--   month-over-month change (NULL when the line did not exist the month before), call forwarding
--   in each of the last 3 months, and 3-month rates. Ratios are NULL when the denominator is 0.
--   The line's active months of the window come from its join month (n6, n3); sums come from
--   usage_window in fixed-point integers, and each feature is one division of exact integers
--   (the slope from n, sum k, sum k^2, sum y and sum k*y), so it is the same on every engine.
-- depends_on: [feature_inputs]
-- materialized: view
-- catalog: true
-- columns:
--   msisdn: key | mobile number | 手机号码
--   active_months_6m: numeric | months the line was active, of the last 6 | 近6个月在网月数
--   usage_months_6m: numeric | months with a usage record, of the last 6 | 近6个月有使用记录月数
--   avg_spend_6m: numeric | 6-month average monthly spend (CNY) | 近6个月月均消费
--   avg_spend_3m: numeric | 3-month average monthly spend (CNY) | 近3个月月均消费
--   spend_ratio_3m_6m: numeric | 3-month over 6-month average spend (CNY) | 近3月与近6月月均消费之比
--   spend_slope_6m: numeric | trend of spend (CNY) over 6 months (change per month) | 近6个月消费趋势（每月变化）
--   spend_mom_change: numeric | spend (CNY): as-of month minus the month before | 消费环比变化
--   avg_minutes_6m: numeric | 6-month average monthly voice minutes | 近6个月月均通话分钟
--   avg_minutes_3m: numeric | 3-month average monthly voice minutes | 近3个月月均通话分钟
--   minutes_ratio_3m_6m: numeric | 3-month over 6-month average voice minutes | 近3月与近6月月均通话分钟之比
--   minutes_slope_6m: numeric | trend of voice minutes over 6 months (change per month) | 近6个月通话分钟趋势（每月变化）
--   minutes_mom_change: numeric | voice minutes: as-of month minus the month before | 通话分钟环比变化
--   avg_data_6m: numeric | 6-month average monthly data volume (MB) | 近6个月月均流量
--   avg_data_3m: numeric | 3-month average monthly data volume (MB) | 近3个月月均流量
--   data_ratio_3m_6m: numeric | 3-month over 6-month average data volume (MB) | 近3月与近6月月均流量之比
--   data_slope_6m: numeric | trend of data volume (MB) over 6 months (change per month) | 近6个月流量趋势（每月变化）
--   data_mom_change: numeric | data volume (MB): as-of month minus the month before | 流量环比变化
--   call_forward_m1: numeric | call forwards in month 1 of the last 3 (m1 = as-of month) | 近3月第1月呼叫转移次数（m1为当月）
--   call_forward_m2: numeric | call forwards in month 2 of the last 3 (m1 = as-of month) | 近3月第2月呼叫转移次数（m1为当月）
--   call_forward_m3: numeric | call forwards in month 3 of the last 3 (m1 = as-of month) | 近3月第3月呼叫转移次数（m1为当月）
--   offnet_onnet_ratio_3m: numeric | off-net to on-net minutes ratio, 3 months | 近3月网间/网内通话分钟比
--   total_minutes_m1: numeric | total voice minutes in the as-of month | 当月通话总分钟
--   missed_calls_m1: numeric | missed calls in the as-of month | 当月未接来电
--   missed_calls_3m: numeric | missed calls, 3 months | 近3月未接来电
--   roaming_days_m1: numeric | roaming days in the as-of month | 当月漫游天数
--   roaming_days_3m: numeric | roaming days, 3 months | 近3月漫游天数
--   data_mb_m1: numeric | data volume in the as-of month (MB) | 当月流量（MB）
--   sms_count_m1: numeric | SMS sent in the as-of month | 当月短信条数
--   dropped_calls_m1: numeric | dropped calls in the as-of month | 当月掉话次数
--   dropped_calls_3m: numeric | dropped calls, 3 months | 近3月掉话次数
--   dropped_per_100_calls_3m: numeric | dropped calls per 100 calls, 3 months | 近3月每百次通话掉话数
--   dropped_per_100_minutes_3m: numeric | dropped calls per 100 voice minutes, 3 months | 近3月每百分钟掉话数
--   incoming_outgoing_ratio_3m: numeric | incoming to outgoing calls ratio, 3 months | 近3月被叫/主叫次数比
SELECT
    msisdn,
    CAST(n6 AS BIGINT) AS active_months_6m,
    CAST(rows_6m AS BIGINT) AS usage_months_6m,
    CAST(spend_6m AS DOUBLE) / CAST(NULLIF(100 * n6, 0) AS DOUBLE) AS avg_spend_6m,
    CAST(spend_3m AS DOUBLE) / CAST(NULLIF(100 * n3, 0) AS DOUBLE) AS avg_spend_3m,
    CAST(spend_3m * n6 AS DOUBLE) / CAST(NULLIF(spend_6m * n3, 0) AS DOUBLE) AS spend_ratio_3m_6m,
    -- slope on x = -k: (n sum xy - sum x sum y) / (n sum x^2 - (sum x)^2)
    --   = (sum k sum y - n sum ky) / slope_den, NULL for a single month (usage_window)
    CAST(sum_k * spend_6m - n6 * spend_k AS DOUBLE) / CAST(NULLIF(100 * slope_den, 0) AS DOUBLE) AS spend_slope_6m,
    CASE WHEN n6 >= 2 THEN CAST(spend_m1 - spend_m2 AS DOUBLE) / 100 END AS spend_mom_change,
    CAST(minutes_6m AS DOUBLE) / CAST(NULLIF(1000 * n6, 0) AS DOUBLE) AS avg_minutes_6m,
    CAST(minutes_3m AS DOUBLE) / CAST(NULLIF(1000 * n3, 0) AS DOUBLE) AS avg_minutes_3m,
    CAST(minutes_3m * n6 AS DOUBLE) / CAST(NULLIF(minutes_6m * n3, 0) AS DOUBLE) AS minutes_ratio_3m_6m,
    CAST(sum_k * minutes_6m - n6 * minutes_k AS DOUBLE) / CAST(NULLIF(1000 * slope_den, 0) AS DOUBLE) AS minutes_slope_6m,
    CASE WHEN n6 >= 2 THEN CAST(minutes_m1 - minutes_m2 AS DOUBLE) / 1000 END AS minutes_mom_change,
    CAST(data_6m AS DOUBLE) / CAST(NULLIF(1000 * n6, 0) AS DOUBLE) AS avg_data_6m,
    CAST(data_3m AS DOUBLE) / CAST(NULLIF(1000 * n3, 0) AS DOUBLE) AS avg_data_3m,
    CAST(data_3m * n6 AS DOUBLE) / CAST(NULLIF(data_6m * n3, 0) AS DOUBLE) AS data_ratio_3m_6m,
    CAST(sum_k * data_6m - n6 * data_k AS DOUBLE) / CAST(NULLIF(1000 * slope_den, 0) AS DOUBLE) AS data_slope_6m,
    CASE WHEN n6 >= 2 THEN CAST(data_m1 - data_m2 AS DOUBLE) / 1000 END AS data_mom_change,
    call_forward_m1,
    call_forward_m2,
    call_forward_m3,
    CAST(offnet_3m AS DOUBLE) / CAST(NULLIF(onnet_3m, 0) AS DOUBLE) AS offnet_onnet_ratio_3m,
    CAST(minutes_m1 AS DOUBLE) / 1000 AS total_minutes_m1,
    missed_m1 AS missed_calls_m1,
    missed_3m AS missed_calls_3m,
    roaming_m1 AS roaming_days_m1,
    roaming_3m AS roaming_days_3m,
    CAST(data_m1 AS DOUBLE) / 1000 AS data_mb_m1,
    sms_m1 AS sms_count_m1,
    dropped_m1 AS dropped_calls_m1,
    dropped_3m AS dropped_calls_3m,
    CAST(100 * dropped_3m AS DOUBLE) / CAST(NULLIF(calls_3m, 0) AS DOUBLE) AS dropped_per_100_calls_3m,
    CAST(100000 * dropped_3m AS DOUBLE) / CAST(NULLIF(minutes_3m, 0) AS DOUBLE) AS dropped_per_100_minutes_3m,
    CAST(incoming_3m AS DOUBLE) / CAST(NULLIF(outgoing_3m, 0) AS DOUBLE) AS incoming_outgoing_ratio_3m
FROM feature_inputs
