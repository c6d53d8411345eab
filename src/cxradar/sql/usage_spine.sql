-- name: usage_spine
-- grain: one row per subscriber and month of the window in which the line was active (joined before the month ended)
-- description: >
--   The usage rows of the 6-month window laid on a complete month grid. A month in which the line
--   was active but has no usage row counts as zero usage (has_usage = false); months before the
--   line joined are not rows at all, so averages cover the months the line existed.
-- depends_on: [population, calendar, usage_monthly]
-- materialized: table
-- columns:
--   msisdn: key | mobile number | 手机号码
--   k: key | months before the as-of month | 距统计月的月数
--   has_usage: numeric | the month has a usage row | 当月有使用记录
--   spend: numeric | spend (CNY) | 消费金额
--   voice_minutes: numeric | voice minutes | 通话分钟数
--   onnet_minutes: numeric | on-net minutes | 网内通话分钟
--   offnet_minutes: numeric | off-net minutes | 网间通话分钟
--   incoming_calls: numeric | incoming calls | 被叫次数
--   outgoing_calls: numeric | outgoing calls | 主叫次数
--   call_forward_count: numeric | call forwards | 呼叫转移次数
--   missed_calls: numeric | missed calls | 未接来电
--   data_mb: numeric | data volume (MB) | 流量（MB）
--   roaming_days: numeric | roaming days | 漫游天数
--   sms_count: numeric | SMS sent | 短信条数
--   dropped_calls: numeric | dropped calls | 掉话次数
--   arrears_suspensions: numeric | arrears suspensions | 欠费停机次数
--   payment_method_changes: numeric | payment-method changes | 缴费方式变更次数
--   payment_channel: categorical | payment channel | 缴费渠道
SELECT
    p.msisdn,
    c.k,
    u.msisdn IS NOT NULL AS has_usage,
    COALESCE(u.spend, 0) AS spend,
    COALESCE(u.voice_minutes, 0) AS voice_minutes,
    COALESCE(u.onnet_minutes, 0) AS onnet_minutes,
    COALESCE(u.offnet_minutes, 0) AS offnet_minutes,
    CASE WHEN u.msisdn IS NULL THEN 0 ELSE u.incoming_calls END AS incoming_calls,
    CASE WHEN u.msisdn IS NULL THEN 0 ELSE u.outgoing_calls END AS outgoing_calls,
    COALESCE(u.call_forward_count, 0) AS call_forward_count,
    COALESCE(u.missed_calls, 0) AS missed_calls,
    COALESCE(u.data_mb, 0) AS data_mb,
    COALESCE(u.roaming_days, 0) AS roaming_days,
    COALESCE(u.sms_count, 0) AS sms_count,
    COALESCE(u.dropped_calls, 0) AS dropped_calls,
    COALESCE(u.arrears_suspensions, 0) AS arrears_suspensions,
    COALESCE(u.payment_method_changes, 0) AS payment_method_changes,
    u.payment_channel
FROM population AS p
JOIN calendar AS c ON p.join_date < c.month_end
LEFT JOIN usage_monthly AS u ON u.msisdn = p.msisdn AND u.month = c.month_start
