-- name: feat_usage
-- grain: one row per subscriber in the population
-- description: >
--   Spend, voice and data over the 6 months ending with the as-of month: averages over the months
--   the line was active (a month with no usage row counts as zero), the 3-to-6-month ratio, the
--   least-squares slope against the month number (per month; NULL with fewer than 2 months), the
--   month-over-month change (NULL when the line did not exist the month before), call forwarding
--   in each of the last 3 months, and 3-month rates. Ratios are NULL when the denominator is 0.
-- depends_on: [usage_spine]
-- materialized: table
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
    COUNT(*) AS active_months_6m,
    SUM(CASE WHEN has_usage THEN 1 ELSE 0 END) AS usage_months_6m,
    AVG(spend) AS avg_spend_6m,
    AVG(CASE WHEN k < 3 THEN spend END) AS avg_spend_3m,
    AVG(CASE WHEN k < 3 THEN spend END) / NULLIF(AVG(spend), 0) AS spend_ratio_3m_6m,
    REGR_SLOPE(spend, -k) AS spend_slope_6m,
    SUM(CASE WHEN k = 0 THEN spend END) - SUM(CASE WHEN k = 1 THEN spend END) AS spend_mom_change,
    AVG(voice_minutes) AS avg_minutes_6m,
    AVG(CASE WHEN k < 3 THEN voice_minutes END) AS avg_minutes_3m,
    AVG(CASE WHEN k < 3 THEN voice_minutes END) / NULLIF(AVG(voice_minutes), 0) AS minutes_ratio_3m_6m,
    REGR_SLOPE(voice_minutes, -k) AS minutes_slope_6m,
    SUM(CASE WHEN k = 0 THEN voice_minutes END) - SUM(CASE WHEN k = 1 THEN voice_minutes END) AS minutes_mom_change,
    AVG(data_mb) AS avg_data_6m,
    AVG(CASE WHEN k < 3 THEN data_mb END) AS avg_data_3m,
    AVG(CASE WHEN k < 3 THEN data_mb END) / NULLIF(AVG(data_mb), 0) AS data_ratio_3m_6m,
    REGR_SLOPE(data_mb, -k) AS data_slope_6m,
    SUM(CASE WHEN k = 0 THEN data_mb END) - SUM(CASE WHEN k = 1 THEN data_mb END) AS data_mom_change,
    SUM(CASE WHEN k = 0 THEN call_forward_count ELSE 0 END) AS call_forward_m1,
    SUM(CASE WHEN k = 1 THEN call_forward_count ELSE 0 END) AS call_forward_m2,
    SUM(CASE WHEN k = 2 THEN call_forward_count ELSE 0 END) AS call_forward_m3,
    SUM(CASE WHEN k < 3 THEN offnet_minutes END) / NULLIF(SUM(CASE WHEN k < 3 THEN onnet_minutes END), 0) AS offnet_onnet_ratio_3m,
    SUM(CASE WHEN k = 0 THEN voice_minutes ELSE 0 END) AS total_minutes_m1,
    SUM(CASE WHEN k = 0 THEN missed_calls ELSE 0 END) AS missed_calls_m1,
    SUM(CASE WHEN k < 3 THEN missed_calls ELSE 0 END) AS missed_calls_3m,
    SUM(CASE WHEN k = 0 THEN roaming_days ELSE 0 END) AS roaming_days_m1,
    SUM(CASE WHEN k < 3 THEN roaming_days ELSE 0 END) AS roaming_days_3m,
    SUM(CASE WHEN k = 0 THEN data_mb ELSE 0 END) AS data_mb_m1,
    SUM(CASE WHEN k = 0 THEN sms_count ELSE 0 END) AS sms_count_m1,
    SUM(CASE WHEN k = 0 THEN dropped_calls ELSE 0 END) AS dropped_calls_m1,
    SUM(CASE WHEN k < 3 THEN dropped_calls ELSE 0 END) AS dropped_calls_3m,
    100.0 * SUM(CASE WHEN k < 3 THEN dropped_calls ELSE 0 END) / NULLIF(SUM(CASE WHEN k < 3 THEN incoming_calls + outgoing_calls END), 0) AS dropped_per_100_calls_3m,
    100.0 * SUM(CASE WHEN k < 3 THEN dropped_calls ELSE 0 END) / NULLIF(SUM(CASE WHEN k < 3 THEN voice_minutes END), 0) AS dropped_per_100_minutes_3m,
    CAST(SUM(CASE WHEN k < 3 THEN incoming_calls END) AS DOUBLE) / NULLIF(SUM(CASE WHEN k < 3 THEN outgoing_calls END), 0) AS incoming_outgoing_ratio_3m
FROM usage_spine
GROUP BY msisdn
