-- name: complaint_window
-- grain: one row per subscriber with a complaint opened in the 6 months ending with the as-of month
-- description: >
--   Complaint counts of the window, read from the complaints table itself (it is small, and a
--   complaint's resolution may change after its month closes, so it is not cached by month):
--   opened in the last 1, 3 and 6 months, by type and by severity; first-contact-resolution
--   failures closed by the end of the as-of month; complaints still open at its end. feat_complaints
--   documents each column.
-- depends_on: [complaints]
-- materialized: view
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
WITH windowed AS (
    SELECT
        msisdn,
        type,
        severity,
        first_contact_resolved,
        resolved_at,
        CASE WHEN opened_at >= @as_of_month THEN 1 ELSE 0 END AS in_1m,
        CASE WHEN opened_at >= @month_minus_2 THEN 1 ELSE 0 END AS in_3m,
        1 AS in_6m
    FROM complaints
    WHERE opened_at >= @month_minus_5 AND opened_at < @as_of_end
)
SELECT
    msisdn,
    SUM(in_1m) AS complaints_1m,
    SUM(in_3m) AS complaints_3m,
    SUM(in_6m) AS complaints_6m,
    SUM(CASE WHEN type = 'network' THEN in_1m ELSE 0 END) AS complaints_network_1m,
    SUM(CASE WHEN type = 'billing' THEN in_1m ELSE 0 END) AS complaints_billing_1m,
    SUM(CASE WHEN type = 'marketing' THEN in_1m ELSE 0 END) AS complaints_marketing_1m,
    SUM(CASE WHEN type = 'service' THEN in_1m ELSE 0 END) AS complaints_service_1m,
    SUM(CASE WHEN type = 'other' THEN in_1m ELSE 0 END) AS complaints_other_1m,
    SUM(CASE WHEN type = 'network' THEN in_3m ELSE 0 END) AS complaints_network_3m,
    SUM(CASE WHEN type = 'billing' THEN in_3m ELSE 0 END) AS complaints_billing_3m,
    SUM(CASE WHEN type = 'marketing' THEN in_3m ELSE 0 END) AS complaints_marketing_3m,
    SUM(CASE WHEN type = 'service' THEN in_3m ELSE 0 END) AS complaints_service_3m,
    SUM(CASE WHEN type = 'other' THEN in_3m ELSE 0 END) AS complaints_other_3m,
    SUM(CASE WHEN type = 'network' THEN in_6m ELSE 0 END) AS complaints_network_6m,
    SUM(CASE WHEN type = 'billing' THEN in_6m ELSE 0 END) AS complaints_billing_6m,
    SUM(CASE WHEN type = 'marketing' THEN in_6m ELSE 0 END) AS complaints_marketing_6m,
    SUM(CASE WHEN type = 'service' THEN in_6m ELSE 0 END) AS complaints_service_6m,
    SUM(CASE WHEN type = 'other' THEN in_6m ELSE 0 END) AS complaints_other_6m,
    SUM(CASE WHEN severity = 1 THEN in_1m ELSE 0 END) AS complaints_sev1_1m,
    SUM(CASE WHEN severity = 2 THEN in_1m ELSE 0 END) AS complaints_sev2_1m,
    SUM(CASE WHEN severity = 3 THEN in_1m ELSE 0 END) AS complaints_sev3_1m,
    SUM(CASE WHEN severity = 1 THEN in_3m ELSE 0 END) AS complaints_sev1_3m,
    SUM(CASE WHEN severity = 2 THEN in_3m ELSE 0 END) AS complaints_sev2_3m,
    SUM(CASE WHEN severity = 3 THEN in_3m ELSE 0 END) AS complaints_sev3_3m,
    SUM(CASE WHEN severity = 1 THEN in_6m ELSE 0 END) AS complaints_sev1_6m,
    SUM(CASE WHEN severity = 2 THEN in_6m ELSE 0 END) AS complaints_sev2_6m,
    SUM(CASE WHEN severity = 3 THEN in_6m ELSE 0 END) AS complaints_sev3_6m,
    SUM(CASE WHEN first_contact_resolved = FALSE AND resolved_at < @as_of_end THEN in_3m ELSE 0 END) AS fcr_failures_3m,
    SUM(CASE WHEN first_contact_resolved = FALSE AND resolved_at < @as_of_end THEN in_6m ELSE 0 END) AS fcr_failures_6m,
    SUM(CASE WHEN resolved_at IS NULL OR resolved_at >= @as_of_end THEN 1 ELSE 0 END) AS complaints_open_at_end
FROM windowed
GROUP BY msisdn
