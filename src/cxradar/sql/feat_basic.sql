-- name: feat_basic
-- grain: one row per subscriber in the population
-- description: >
--   Basic attributes. Brand and plan are taken from the as-of month's usage row when it names them
--   (so a later brand change does not leak back), otherwise from the subscriber table. Tenure counts
--   whole calendar months from the join month to the as-of month (joined in M = 0).
--   An unknown is_local (column absent) counts as local.
-- depends_on: [feature_inputs]
-- materialized: view
-- catalog: true
-- columns:
--   msisdn: key | mobile number | 手机号码
--   gender: categorical | gender | 性别
--   age: numeric | age (years) | 年龄
--   occupation: categorical | occupation | 职业
--   district: categorical | home district | 归属区县
--   payment_type: categorical | payment type (prepaid / postpaid) | 付费类型
--   customer_level: categorical | customer level (star grade) | 客户星级
--   brand: categorical | brand in the as-of month | 当月品牌
--   plan: categorical | tariff plan in the as-of month | 当月套餐
--   segment: categorical | customer group (high-end / data / enterprise / mass) | 客户群
--   tenure_months: numeric | tenure (months since the join month) | 在网时长（月）
--   vpmn_member: categorical | member of a VPMN corporate group | 集团（VPMN）成员
--   group_paid: categorical | the group pays the bill | 集团付费
--   contact_complete: categorical | contact information complete | 联系信息完整
--   is_local: categorical | local user | 本地用户
SELECT
    msisdn,
    gender,
    age,
    occupation,
    district,
    payment_type,
    customer_level,
    COALESCE(brand_m1, brand) AS brand,
    COALESCE(plan_m1, plan) AS plan,
    segment,
    CAST(@as_of_index - join_index AS BIGINT) AS tenure_months,
    group_id IS NOT NULL AS vpmn_member,
    group_paid,
    contact_complete,
    COALESCE(is_local, TRUE) AS is_local
FROM feature_inputs
