-- name: population
-- grain: one row per subscriber (msisdn) active at some point in the as-of month
-- description: >
--   Who gets features: lines that joined before the end of the as-of month and had not churned
--   before it began. A line that churned during the month is still in (it was active part of it);
--   a suspended line is in.
-- depends_on: [subscribers]
-- materialized: table
-- columns:
--   msisdn: key | mobile number | 手机号码
--   join_date: key | date the line was activated | 入网日期
--   district: key | home district | 归属区县
SELECT
    s.msisdn,
    s.join_date,
    s.district
FROM subscribers AS s
WHERE s.join_date < @as_of_end
  AND NOT (s.status = 'churned' AND s.status_date < @as_of_month)
