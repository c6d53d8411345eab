-- name: base_usage
-- grain: one row per usage record of a month of the batch, for lines active in that month
-- description: >
--   Monthly base of the usage, payment and brand features: each usage row of the batch months in
--   fixed-point units (spend in fen, minutes and MB in thousandths, rounded half up), so that the
--   window models add integers and their sums do not depend on the order the engine adds in. Rows
--   of lines that had not joined by the end of the month, or had churned before it began, are left
--   out: such a line is in the population of no as-of month whose window holds that month.
--   Computed once per calendar month and cached; a month without a usage row is not a row here.
-- depends_on: [usage_monthly, subscribers]
-- materialized: table
-- columns:
--   msisdn: key | mobile number | 手机号码
--   month_index: key | month number (12 x year + month - 1) | 月序号
--   spend_fen: numeric | spend (fen = 0.01 CNY) | 消费金额（分）
--   voice_minutes_milli: numeric | voice minutes (thousandths) | 通话分钟数（千分之一分钟）
--   onnet_minutes_milli: numeric | on-net minutes (thousandths) | 网内通话分钟（千分之一分钟）
--   offnet_minutes_milli: numeric | off-net minutes (thousandths) | 网间通话分钟（千分之一分钟）
--   data_mb_milli: numeric | data volume (thousandths of a MB) | 流量（千分之一MB）
--   incoming_calls: numeric | incoming calls (empty when not reported) | 被叫次数
--   outgoing_calls: numeric | outgoing calls (empty when not reported) | 主叫次数
--   call_forward_count: numeric | call forwards | 呼叫转移次数
--   missed_calls: numeric | missed calls | 未接来电
--   roaming_days: numeric | roaming days | 漫游天数
--   sms_count: numeric | SMS sent | 短信条数
--   dropped_calls: numeric | dropped calls | 掉话次数
--   arrears_suspensions: numeric | arrears suspensions | 欠费停机次数
--   payment_method_changes: numeric | payment-method changes | 缴费方式变更次数
--   payment_channel: categorical | payment channel | 缴费渠道
--   brand: categorical | brand named by the usage row | 当月品牌
--   plan: categorical | tariff plan named by the usage row | 当月套餐
SELECT
    u.msisdn,
    CAST(12 * YEAR(u.month) + MONTH(u.month) - 1 AS BIGINT) AS month_index,
    CAST(ROUND(COALESCE(u.spend, 0) * 100) AS BIGINT) AS spend_fen,
    CAST(ROUND(COALESCE(u.voice_minutes, 0) * 1000) AS BIGINT) AS voice_minutes_milli,
    CAST(ROUND(COALESCE(u.onnet_minutes, 0) * 1000) AS BIGINT) AS onnet_minutes_milli,
    CAST(ROUND(COALESCE(u.offnet_minutes, 0) * 1000) AS BIGINT) AS offnet_minutes_milli,
    CAST(ROUND(COALESCE(u.data_mb, 0) * 1000) AS BIGINT) AS data_mb_milli,
    u.incoming_calls,
    u.outgoing_calls,
    COALESCE(u.call_forward_count, 0) AS call_forward_count,
    COALESCE(u.missed_calls, 0) AS missed_calls,
    COALESCE(u.roaming_days, 0) AS roaming_days,
    COALESCE(u.sms_count, 0) AS sms_count,
    COALESCE(u.dropped_calls, 0) AS dropped_calls,
    COALESCE(u.arrears_suspensions, 0) AS arrears_suspensions,
    COALESCE(u.payment_method_changes, 0) AS payment_method_changes,
    u.payment_channel,
    u.brand,
    u.plan
FROM usage_monthly AS u
JOIN subscribers AS s ON s.msisdn = u.msisdn
WHERE u.month >= @first_month
  AND u.month < @batch_end
  AND 12 * YEAR(s.join_date) + MONTH(s.join_date) <= 12 * YEAR(u.month) + MONTH(u.month)
  AND NOT (s.status = 'churned' AND s.status_date < u.month)
