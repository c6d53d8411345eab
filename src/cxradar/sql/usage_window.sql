-- name: usage_window
-- grain: one row per subscriber in the population
-- description: >
--   The population with the integer sums over its base_usage rows of the window (k = 0 is the
--   as-of month, k = 5 is M-5) that feat_usage, feat_payment and feat_basic turn into features:
--   6-month and 3-month totals, k-weighted totals for the trends, the as-of month and the month
--   before, and the payment channel of the latest month naming one. Each month of the window is
--   joined as its own column set (a subscriber has at most one usage row a month), which costs far
--   less than grouping the six months' rows again. n6 and n3 are the months of the window the line
--   was active (from its join month): a month without a usage record counts as zero usage.
-- depends_on: [population, base_usage]
-- materialized: view
-- columns:
--   msisdn: key | mobile number | 手机号码
--   n6: numeric | months the line was active, of the last 6 | 近6个月在网月数
--   n3: numeric | months the line was active, of the last 3 | 近3个月在网月数
--   sum_k: numeric | sum of k over the active months | 在网月序号之和
--   slope_den: numeric | n sum k^2 - (sum k)^2 over the active months | 趋势分母
--   rows_6m: numeric | months with a usage record, of the last 6 | 近6个月有使用记录月数
--   rows_3m: numeric | months with a usage record, of the last 3 | 近3个月有使用记录月数
--   spend_6m: numeric | spend, 6 months (fen) | 近6个月消费（分）
--   spend_3m: numeric | spend, 3 months (fen) | 近3个月消费（分）
--   spend_k: numeric | sum of k x spend (fen) | k×消费之和（分）
--   spend_m1: numeric | spend in the as-of month (fen) | 当月消费（分）
--   spend_m2: numeric | spend in the month before (fen) | 上月消费（分）
--   minutes_6m: numeric | voice minutes, 6 months (thousandths) | 近6个月通话分钟（千分之一）
--   minutes_3m: numeric | voice minutes, 3 months (thousandths) | 近3个月通话分钟（千分之一）
--   minutes_k: numeric | sum of k x voice minutes (thousandths) | k×通话分钟之和（千分之一）
--   minutes_m1: numeric | voice minutes in the as-of month (thousandths) | 当月通话分钟（千分之一）
--   minutes_m2: numeric | voice minutes in the month before (thousandths) | 上月通话分钟（千分之一）
--   data_6m: numeric | data, 6 months (thousandths of a MB) | 近6个月流量（千分之一MB）
--   data_3m: numeric | data, 3 months (thousandths of a MB) | 近3个月流量（千分之一MB）
--   data_k: numeric | sum of k x data (thousandths of a MB) | k×流量之和（千分之一MB）
--   data_m1: numeric | data in the as-of month (thousandths of a MB) | 当月流量（千分之一MB）
--   data_m2: numeric | data in the month before (thousandths of a MB) | 上月流量（千分之一MB）
--   onnet_3m: numeric | on-net minutes, 3 months (thousandths) | 近3个月网内通话分钟（千分之一）
--   offnet_3m: numeric | off-net minutes, 3 months (thousandths) | 近3个月网间通话分钟（千分之一）
--   call_forward_m1: numeric | call forwards in the as-of month | 当月呼叫转移次数
--   call_forward_m2: numeric | call forwards in the month before | 上月呼叫转移次数
--   call_forward_m3: numeric | call forwards two months before | 前月呼叫转移次数
--   missed_m1: numeric | missed calls in the as-of month | 当月未接来电
--   missed_3m: numeric | missed calls, 3 months | 近3个月未接来电
--   roaming_m1: numeric | roaming days in the as-of month | 当月漫游天数
--   roaming_3m: numeric | roaming days, 3 months | 近3个月漫游天数
--   sms_m1: numeric | SMS in the as-of month | 当月短信条数
--   dropped_m1: numeric | dropped calls in the as-of month | 当月掉话次数
--   dropped_3m: numeric | dropped calls, 3 months | 近3个月掉话次数
--   calls_3m: numeric | incoming + outgoing calls, 3 months (records reporting both) | 近3个月通话次数
--   incoming_3m: numeric | incoming calls, 3 months (empty when no record reports them) | 近3个月被叫次数
--   outgoing_3m: numeric | outgoing calls, 3 months (empty when no record reports them) | 近3个月主叫次数
--   arrears_6m: numeric | arrears suspensions, 6 months | 近6个月欠费停机次数
--   method_changes_3m: numeric | payment-method changes, 3 months | 近3个月缴费方式变更次数
--   last_channel: categorical | payment channel of the latest month naming one | 最近缴费渠道
--   brand_m1: categorical | brand named by the as-of month's usage record | 当月使用记录品牌
--   plan_m1: categorical | plan named by the as-of month's usage record | 当月使用记录套餐
WITH p AS (
    SELECT
        *,
        LEAST(6, @as_of_index - join_index + 1) AS n6,
        LEAST(3, @as_of_index - join_index + 1) AS n3
    FROM population
)
SELECT
    p.*,
    -- over the active months k = 0 .. n6 - 1: sum k = n(n-1)/2, and the least-squares denominator
    -- n sum k^2 - (sum k)^2 with sum k^2 = (n-1)n(2n-1)/6 (0 for one month: no trend)
    CASE p.n6 WHEN 1 THEN 0 WHEN 2 THEN 1 WHEN 3 THEN 3 WHEN 4 THEN 6 WHEN 5 THEN 10 ELSE 15 END AS sum_k,
    CASE p.n6 WHEN 1 THEN 0 WHEN 2 THEN 1 WHEN 3 THEN 6 WHEN 4 THEN 20 WHEN 5 THEN 50 ELSE 105 END AS slope_den,
    CASE WHEN m0.msisdn IS NULL THEN 0 ELSE 1 END
        + CASE WHEN m1.msisdn IS NULL THEN 0 ELSE 1 END
        + CASE WHEN m2.msisdn IS NULL THEN 0 ELSE 1 END
        + CASE WHEN m3.msisdn IS NULL THEN 0 ELSE 1 END
        + CASE WHEN m4.msisdn IS NULL THEN 0 ELSE 1 END
        + CASE WHEN m5.msisdn IS NULL THEN 0 ELSE 1 END AS rows_6m,
    CASE WHEN m0.msisdn IS NULL THEN 0 ELSE 1 END
        + CASE WHEN m1.msisdn IS NULL THEN 0 ELSE 1 END
        + CASE WHEN m2.msisdn IS NULL THEN 0 ELSE 1 END AS rows_3m,
    COALESCE(m0.spend_fen, 0)
        + COALESCE(m1.spend_fen, 0)
        + COALESCE(m2.spend_fen, 0)
        + COALESCE(m3.spend_fen, 0)
        + COALESCE(m4.spend_fen, 0)
        + COALESCE(m5.spend_fen, 0) AS spend_6m,
    COALESCE(m0.spend_fen, 0)
        + COALESCE(m1.spend_fen, 0)
        + COALESCE(m2.spend_fen, 0) AS spend_3m,
    1 * COALESCE(m1.spend_fen, 0)
        + 2 * COALESCE(m2.spend_fen, 0)
        + 3 * COALESCE(m3.spend_fen, 0)
        + 4 * COALESCE(m4.spend_fen, 0)
        + 5 * COALESCE(m5.spend_fen, 0) AS spend_k,
    COALESCE(m0.spend_fen, 0) AS spend_m1,
    COALESCE(m1.spend_fen, 0) AS spend_m2,
    COALESCE(m0.voice_minutes_milli, 0)
        + COALESCE(m1.voice_minutes_milli, 0)
        + COALESCE(m2.voice_minutes_milli, 0)
        + COALESCE(m3.voice_minutes_milli, 0)
        + COALESCE(m4.voice_minutes_milli, 0)
        + COALESCE(m5.voice_minutes_milli, 0) AS minutes_6m,
    COALESCE(m0.voice_minutes_milli, 0)
        + COALESCE(m1.voice_minutes_milli, 0)
        + COALESCE(m2.voice_minutes_milli, 0) AS minutes_3m,
    1 * COALESCE(m1.voice_minutes_milli, 0)
        + 2 * COALESCE(m2.voice_minutes_milli, 0)
        + 3 * COALESCE(m3.voice_minutes_milli, 0)
        + 4 * COALESCE(m4.voice_minutes_milli, 0)
        + 5 * COALESCE(m5.voice_minutes_milli, 0) AS minutes_k,
    COALESCE(m0.voice_minutes_milli, 0) AS minutes_m1,
    COALESCE(m1.voice_minutes_milli, 0) AS minutes_m2,
    COALESCE(m0.data_mb_milli, 0)
        + COALESCE(m1.data_mb_milli, 0)
        + COALESCE(m2.data_mb_milli, 0)
        + COALESCE(m3.data_mb_milli, 0)
        + COALESCE(m4.data_mb_milli, 0)
        + COALESCE(m5.data_mb_milli, 0) AS data_6m,
    COALESCE(m0.data_mb_milli, 0)
        + COALESCE(m1.data_mb_milli, 0)
        + COALESCE(m2.data_mb_milli, 0) AS data_3m,
    1 * COALESCE(m1.data_mb_milli, 0)
        + 2 * COALESCE(m2.data_mb_milli, 0)
        + 3 * COALESCE(m3.data_mb_milli, 0)
        + 4 * COALESCE(m4.data_mb_milli, 0)
        + 5 * COALESCE(m5.data_mb_milli, 0) AS data_k,
    COALESCE(m0.data_mb_milli, 0) AS data_m1,
    COALESCE(m1.data_mb_milli, 0) AS data_m2,
    COALESCE(m0.onnet_minutes_milli, 0)
        + COALESCE(m1.onnet_minutes_milli, 0)
        + COALESCE(m2.onnet_minutes_milli, 0) AS onnet_3m,
    COALESCE(m0.offnet_minutes_milli, 0)
        + COALESCE(m1.offnet_minutes_milli, 0)
        + COALESCE(m2.offnet_minutes_milli, 0) AS offnet_3m,
    COALESCE(m0.call_forward_count, 0) AS call_forward_m1,
    COALESCE(m1.call_forward_count, 0) AS call_forward_m2,
    COALESCE(m2.call_forward_count, 0) AS call_forward_m3,
    COALESCE(m0.missed_calls, 0) AS missed_m1,
    COALESCE(m0.missed_calls, 0)
        + COALESCE(m1.missed_calls, 0)
        + COALESCE(m2.missed_calls, 0) AS missed_3m,
    COALESCE(m0.roaming_days, 0) AS roaming_m1,
    COALESCE(m0.roaming_days, 0)
        + COALESCE(m1.roaming_days, 0)
        + COALESCE(m2.roaming_days, 0) AS roaming_3m,
    COALESCE(m0.sms_count, 0) AS sms_m1,
    COALESCE(m0.dropped_calls, 0) AS dropped_m1,
    COALESCE(m0.dropped_calls, 0)
        + COALESCE(m1.dropped_calls, 0)
        + COALESCE(m2.dropped_calls, 0) AS dropped_3m,
    COALESCE(m0.incoming_calls + m0.outgoing_calls, 0)
        + COALESCE(m1.incoming_calls + m1.outgoing_calls, 0)
        + COALESCE(m2.incoming_calls + m2.outgoing_calls, 0) AS calls_3m,
    -- a month of the line without a usage record counts 0 incoming calls; only records that leave
    -- them empty in every active month of the 3 make the sum unknown
    CASE WHEN m0.msisdn IS NULL OR m0.incoming_calls IS NOT NULL OR (@as_of_index - p.join_index >= 1 AND (m1.msisdn IS NULL OR m1.incoming_calls IS NOT NULL)) OR (@as_of_index - p.join_index >= 2 AND (m2.msisdn IS NULL OR m2.incoming_calls IS NOT NULL))
        THEN COALESCE(m0.incoming_calls, 0) + COALESCE(m1.incoming_calls, 0) + COALESCE(m2.incoming_calls, 0) END AS incoming_3m,
    COALESCE(m0.outgoing_calls, 0)
        + COALESCE(m1.outgoing_calls, 0)
        + COALESCE(m2.outgoing_calls, 0) AS outgoing_3m,
    COALESCE(m0.arrears_suspensions, 0)
        + COALESCE(m1.arrears_suspensions, 0)
        + COALESCE(m2.arrears_suspensions, 0)
        + COALESCE(m3.arrears_suspensions, 0)
        + COALESCE(m4.arrears_suspensions, 0)
        + COALESCE(m5.arrears_suspensions, 0) AS arrears_6m,
    COALESCE(m0.payment_method_changes, 0)
        + COALESCE(m1.payment_method_changes, 0)
        + COALESCE(m2.payment_method_changes, 0) AS method_changes_3m,
    COALESCE(m0.payment_channel, m1.payment_channel, m2.payment_channel, m3.payment_channel, m4.payment_channel, m5.payment_channel) AS last_channel,
    m0.brand AS brand_m1,
    m0.plan AS plan_m1
FROM p
LEFT JOIN (SELECT * FROM base_usage WHERE month_index = @as_of_index) AS m0 ON m0.msisdn = p.msisdn
LEFT JOIN (SELECT * FROM base_usage WHERE month_index = @as_of_index - 1) AS m1 ON m1.msisdn = p.msisdn
LEFT JOIN (SELECT * FROM base_usage WHERE month_index = @as_of_index - 2) AS m2 ON m2.msisdn = p.msisdn
LEFT JOIN (SELECT * FROM base_usage WHERE month_index = @as_of_index - 3) AS m3 ON m3.msisdn = p.msisdn
LEFT JOIN (SELECT * FROM base_usage WHERE month_index = @as_of_index - 4) AS m4 ON m4.msisdn = p.msisdn
LEFT JOIN (SELECT * FROM base_usage WHERE month_index = @as_of_index - 5) AS m5 ON m5.msisdn = p.msisdn
