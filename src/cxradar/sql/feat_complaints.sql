-- name: feat_complaints
-- grain: one row per subscriber in the population
-- description: >
--   Complaints opened in the last 1, 3 and 6 months (windows end with the as-of month), by type and
--   by severity. A first-contact-resolution failure is a complaint closed by the end of the as-of
--   month with first_contact_resolved = false; a complaint not closed by then counts as open
--   (a later resolution does not leak back). Subscribers without complaints get 0.
-- depends_on: [feature_inputs]
-- materialized: view
-- catalog: true
-- columns:
--   msisdn: key | mobile number | 手机号码
--   complaints_1m: numeric | complaints, the as-of month | 当月投诉次数
--   complaints_3m: numeric | complaints, 3 months | 近3个月投诉次数
--   complaints_6m: numeric | complaints, 6 months | 近6个月投诉次数
--   complaints_network_1m: numeric | network complaints, the as-of month | 当月网络类投诉次数
--   complaints_billing_1m: numeric | billing complaints, the as-of month | 当月计费类投诉次数
--   complaints_marketing_1m: numeric | marketing complaints, the as-of month | 当月营销类投诉次数
--   complaints_service_1m: numeric | service complaints, the as-of month | 当月服务类投诉次数
--   complaints_other_1m: numeric | other complaints, the as-of month | 当月其他类投诉次数
--   complaints_network_3m: numeric | network complaints, 3 months | 近3个月网络类投诉次数
--   complaints_billing_3m: numeric | billing complaints, 3 months | 近3个月计费类投诉次数
--   complaints_marketing_3m: numeric | marketing complaints, 3 months | 近3个月营销类投诉次数
--   complaints_service_3m: numeric | service complaints, 3 months | 近3个月服务类投诉次数
--   complaints_other_3m: numeric | other complaints, 3 months | 近3个月其他类投诉次数
--   complaints_network_6m: numeric | network complaints, 6 months | 近6个月网络类投诉次数
--   complaints_billing_6m: numeric | billing complaints, 6 months | 近6个月计费类投诉次数
--   complaints_marketing_6m: numeric | marketing complaints, 6 months | 近6个月营销类投诉次数
--   complaints_service_6m: numeric | service complaints, 6 months | 近6个月服务类投诉次数
--   complaints_other_6m: numeric | other complaints, 6 months | 近6个月其他类投诉次数
--   complaints_sev1_1m: numeric | severity-1 (ordinary) complaints, the as-of month | 当月一般（1级）投诉次数
--   complaints_sev2_1m: numeric | severity-2 (serious) complaints, the as-of month | 当月严重（2级）投诉次数
--   complaints_sev3_1m: numeric | severity-3 (critical) complaints, the as-of month | 当月重大（3级）投诉次数
--   complaints_sev1_3m: numeric | severity-1 (ordinary) complaints, 3 months | 近3个月一般（1级）投诉次数
--   complaints_sev2_3m: numeric | severity-2 (serious) complaints, 3 months | 近3个月严重（2级）投诉次数
--   complaints_sev3_3m: numeric | severity-3 (critical) complaints, 3 months | 近3个月重大（3级）投诉次数
--   complaints_sev1_6m: numeric | severity-1 (ordinary) complaints, 6 months | 近6个月一般（1级）投诉次数
--   complaints_sev2_6m: numeric | severity-2 (serious) complaints, 6 months | 近6个月严重（2级）投诉次数
--   complaints_sev3_6m: numeric | severity-3 (critical) complaints, 6 months | 近6个月重大（3级）投诉次数
--   fcr_failures_3m: numeric | complaints closed but not resolved at first contact, 3 months | 近3个月未一次解决投诉数
--   fcr_failures_6m: numeric | complaints closed but not resolved at first contact, 6 months | 近6个月未一次解决投诉数
--   complaints_open_at_end: numeric | complaints of the last 6 months still open at the end of the as-of month | 统计月末仍未解决的投诉数
SELECT
    msisdn,
    COALESCE(complaints_1m, 0) AS complaints_1m,
    COALESCE(complaints_3m, 0) AS complaints_3m,
    COALESCE(complaints_6m, 0) AS complaints_6m,
    COALESCE(complaints_network_1m, 0) AS complaints_network_1m,
    COALESCE(complaints_billing_1m, 0) AS complaints_billing_1m,
    COALESCE(complaints_marketing_1m, 0) AS complaints_marketing_1m,
    COALESCE(complaints_service_1m, 0) AS complaints_service_1m,
    COALESCE(complaints_other_1m, 0) AS complaints_other_1m,
    COALESCE(complaints_network_3m, 0) AS complaints_network_3m,
    COALESCE(complaints_billing_3m, 0) AS complaints_billing_3m,
    COALESCE(complaints_marketing_3m, 0) AS complaints_marketing_3m,
    COALESCE(complaints_service_3m, 0) AS complaints_service_3m,
    COALESCE(complaints_other_3m, 0) AS complaints_other_3m,
    COALESCE(complaints_network_6m, 0) AS complaints_network_6m,
    COALESCE(complaints_billing_6m, 0) AS complaints_billing_6m,
    COALESCE(complaints_marketing_6m, 0) AS complaints_marketing_6m,
    COALESCE(complaints_service_6m, 0) AS complaints_service_6m,
    COALESCE(complaints_other_6m, 0) AS complaints_other_6m,
    COALESCE(complaints_sev1_1m, 0) AS complaints_sev1_1m,
    COALESCE(complaints_sev2_1m, 0) AS complaints_sev2_1m,
    COALESCE(complaints_sev3_1m, 0) AS complaints_sev3_1m,
    COALESCE(complaints_sev1_3m, 0) AS complaints_sev1_3m,
    COALESCE(complaints_sev2_3m, 0) AS complaints_sev2_3m,
    COALESCE(complaints_sev3_3m, 0) AS complaints_sev3_3m,
    COALESCE(complaints_sev1_6m, 0) AS complaints_sev1_6m,
    COALESCE(complaints_sev2_6m, 0) AS complaints_sev2_6m,
    COALESCE(complaints_sev3_6m, 0) AS complaints_sev3_6m,
    COALESCE(fcr_failures_3m, 0) AS fcr_failures_3m,
    COALESCE(fcr_failures_6m, 0) AS fcr_failures_6m,
    COALESCE(complaints_open_at_end, 0) AS complaints_open_at_end
FROM feature_inputs
