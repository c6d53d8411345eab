-- name: feat_payment
-- grain: one row per subscriber in the population
-- description: >
--   Payment behaviour: arrears suspensions over 6 months, payment-method changes over 3 months,
--   and the payment channel of the latest month (within 6) that names one.
-- depends_on: [usage_spine]
-- materialized: table
-- catalog: true
-- columns:
--   msisdn: key | mobile number | 手机号码
--   arrears_suspensions_6m: numeric | arrears suspensions, 6 months | 近6个月欠费停机次数
--   payment_method_changes_3m: numeric | payment-method changes, 3 months | 近3个月缴费方式变更次数
--   last_payment_channel: categorical | latest payment channel | 最近缴费渠道
WITH latest_channel AS (
    SELECT msisdn, payment_channel
    FROM (
        SELECT
            msisdn,
            payment_channel,
            ROW_NUMBER() OVER (PARTITION BY msisdn ORDER BY k) AS rn
        FROM usage_spine
        WHERE payment_channel IS NOT NULL
    ) AS ranked
    WHERE rn = 1
),
totals AS (
    SELECT
        msisdn,
        SUM(arrears_suspensions) AS arrears_suspensions_6m,
        SUM(CASE WHEN k < 3 THEN payment_method_changes ELSE 0 END) AS payment_method_changes_3m
    FROM usage_spine
    GROUP BY msisdn
)
SELECT
    t.msisdn,
    t.arrears_suspensions_6m,
    t.payment_method_changes_3m,
    l.payment_channel AS last_payment_channel
FROM totals AS t
LEFT JOIN latest_channel AS l ON l.msisdn = t.msisdn
