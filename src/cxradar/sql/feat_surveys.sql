-- name: feat_surveys
-- grain: one row per subscriber in the population
-- description: >
--   Whether the subscriber answered the satisfaction survey recently (only the fact, never the
--   scores: scores are the labels models learn from), and the channel-silent input no_survey_3m.
-- depends_on: [feature_inputs]
-- materialized: view
-- catalog: true
-- columns:
--   msisdn: key | mobile number | 手机号码
--   surveys_answered_1m: numeric | surveys answered in the as-of month | 当月参与满意度调查次数
--   surveys_answered_3m: numeric | surveys answered, 3 months | 近3个月参与满意度调查次数
--   no_survey_3m: categorical | no survey answered in 3 months (channel-silent input) | 近3个月未参与调查
SELECT
    msisdn,
    COALESCE(surveys_answered_1m, 0) AS surveys_answered_1m,
    COALESCE(surveys_answered_3m, 0) AS surveys_answered_3m,
    COALESCE(surveys_answered_3m, 0) = 0 AS no_survey_3m
FROM feature_inputs
