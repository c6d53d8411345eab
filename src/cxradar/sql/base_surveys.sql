-- name: base_surveys
-- grain: one row per subscriber and month of the batch in which they answered a survey
-- description: >
--   Monthly base of the survey features: surveys answered (only the fact, never the scores).
--   Computed once per calendar month and cached.
-- depends_on: [surveys]
-- materialized: table
-- columns:
--   msisdn: key | mobile number | 手机号码
--   month_index: key | month number (12 x year + month - 1) | 月序号
--   surveys_answered: numeric | surveys answered in the month | 当月参与满意度调查次数
SELECT
    msisdn,
    CAST(12 * YEAR(answered_at) + MONTH(answered_at) - 1 AS BIGINT) AS month_index,
    COUNT(*) AS surveys_answered
FROM surveys
WHERE answered_at >= @first_month AND answered_at < @batch_end
GROUP BY msisdn, CAST(12 * YEAR(answered_at) + MONTH(answered_at) - 1 AS BIGINT)
