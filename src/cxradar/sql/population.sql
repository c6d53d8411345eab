-- name: population
-- grain: one row per subscriber (msisdn) active at some point in the as-of month
-- description: >
--   Who gets features: lines that joined before the end of the as-of month and had not churned
--   before it began. A line that churned during the month is still in (it was active part of it);
--   a suspended line is in. Carries the subscriber attributes feat_basic reports and the join
--   month number the usage windows count active months from.
-- depends_on: [subscribers]
-- materialized: view
-- columns:
--   msisdn: key | mobile number | 手机号码
--   join_date: key | date the line was activated | 入网日期
--   join_index: key | month number of the join date (12 x year + month - 1) | 入网月序号
--   district: key | home district | 归属区县
--   gender: categorical | gender | 性别
--   age: numeric | age (years) | 年龄
--   occupation: categorical | occupation | 职业
--   payment_type: categorical | payment type | 付费类型
--   customer_level: categorical | customer level | 客户星级
--   brand: categorical | brand (subscriber table) | 品牌
--   plan: categorical | tariff plan (subscriber table) | 套餐
--   segment: categorical | customer group | 客户群
--   group_id: key | VPMN group | 集团编号
--   group_paid: categorical | the group pays the bill | 集团付费
--   contact_complete: categorical | contact information complete | 联系信息完整
--   is_local: categorical | local user | 本地用户
SELECT
    s.msisdn,
    s.join_date,
    CAST(12 * YEAR(s.join_date) + MONTH(s.join_date) - 1 AS BIGINT) AS join_index,
    s.district,
    s.gender,
    s.age,
    s.occupation,
    s.payment_type,
    s.customer_level,
    s.brand,
    s.plan,
    s.segment,
    s.group_id,
    s.group_paid,
    s.contact_complete,
    s.is_local
FROM subscribers AS s
WHERE s.join_date < @as_of_end
  AND NOT (s.status = 'churned' AND s.status_date < @as_of_month)
