-- name: survey_window
-- grain: one row per subscriber who answered a survey in the 3 months ending with the as-of month
-- description: >
--   Surveys answered in the as-of month and in 3 months, from the monthly base.
-- depends_on: [base_surveys]
-- materialized: view
-- columns:
--   msisdn: key | mobile number | 手机号码
--   surveys_answered_1m: numeric | surveys answered in the as-of month | 当月参与满意度调查次数
--   surveys_answered_3m: numeric | surveys answered, 3 months | 近3个月参与满意度调查次数
SELECT
    msisdn,
    SUM(CASE WHEN month_index = @as_of_index THEN surveys_answered ELSE 0 END) AS surveys_answered_1m,
    SUM(surveys_answered) AS surveys_answered_3m
FROM base_surveys
WHERE month_index BETWEEN @as_of_index - 2 AND @as_of_index
GROUP BY msisdn
