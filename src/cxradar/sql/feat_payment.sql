-- name: feat_payment
-- grain: one row per subscriber in the population
-- description: >
--   Payment behaviour: arrears suspensions over 6 months, payment-method changes over 3 months,
--   and the payment channel of the latest month (within 6) that names one.
-- depends_on: [feature_inputs]
-- materialized: view
-- catalog: true
-- columns:
--   msisdn: key | mobile number | 手机号码
--   arrears_suspensions_6m: numeric | arrears suspensions, 6 months | 近6个月欠费停机次数
--   payment_method_changes_3m: numeric | payment-method changes, 3 months | 近3个月缴费方式变更次数
--   last_payment_channel: categorical | latest payment channel | 最近缴费渠道
SELECT
    msisdn,
    arrears_6m AS arrears_suspensions_6m,
    method_changes_3m AS payment_method_changes_3m,
    last_channel AS last_payment_channel
FROM feature_inputs
