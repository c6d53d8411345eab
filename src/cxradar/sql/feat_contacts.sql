-- name: feat_contacts
-- grain: one row per subscriber in the population
-- description: >
--   Contacts with service channels up to the end of the as-of month: counts per channel over 3
--   months, post-contact SMS rating statistics over 3 months (the low mark comes from the contacts
--   contract's rating_scale), days from the latest contact ever to the end of the as-of month
--   (empty when never), and the channel-silent input no_contact_3m. Counts and rating sums come
--   from the monthly base (contact_window); the latest contact ever from contact_latest.
-- depends_on: [feature_inputs]
-- materialized: view
-- catalog: true
-- columns:
--   msisdn: key | mobile number | 手机号码
--   contacts_1m: numeric | channel contacts in the as-of month | 当月渠道接触次数
--   contacts_3m: numeric | channel contacts, 3 months | 近3个月渠道接触次数
--   contacts_hall_3m: numeric | hall contacts, 3 months | 近3个月营业厅接触次数
--   contacts_hotline_3m: numeric | hotline contacts, 3 months | 近3个月热线接触次数
--   contacts_web_3m: numeric | web contacts, 3 months | 近3个月网站接触次数
--   contacts_app_3m: numeric | app contacts, 3 months | 近3个月手机营业厅App接触次数
--   contacts_sms_3m: numeric | sms contacts, 3 months | 近3个月短信接触次数
--   contacts_outbound_3m: numeric | outbound contacts, 3 months | 近3个月外呼接触次数
--   contacts_wechat_3m: numeric | wechat contacts, 3 months | 近3个月微信接触次数
--   rating_count_3m: numeric | post-contact ratings given, 3 months | 近3个月短信评价次数
--   low_rating_count_3m: numeric | low post-contact ratings (at or below the contract's low mark), 3 months | 近3个月短信低评价次数
--   rating_mean_3m: numeric | mean post-contact rating (1-5), 3 months; empty when none | 近3个月短信评价均值
--   rating_min_3m: numeric | lowest post-contact rating (1-5), 3 months; empty when none | 近3个月短信评价最低分
--   days_since_last_contact: numeric | days from the latest channel contact to the end of the as-of month | 距最近一次渠道接触天数
--   no_contact_3m: categorical | no channel contact in 3 months (channel-silent input) | 近3个月无渠道接触
SELECT
    msisdn,
    COALESCE(contacts_1m, 0) AS contacts_1m,
    COALESCE(contacts_3m, 0) AS contacts_3m,
    COALESCE(contacts_hall_3m, 0) AS contacts_hall_3m,
    COALESCE(contacts_hotline_3m, 0) AS contacts_hotline_3m,
    COALESCE(contacts_web_3m, 0) AS contacts_web_3m,
    COALESCE(contacts_app_3m, 0) AS contacts_app_3m,
    COALESCE(contacts_sms_3m, 0) AS contacts_sms_3m,
    COALESCE(contacts_outbound_3m, 0) AS contacts_outbound_3m,
    COALESCE(contacts_wechat_3m, 0) AS contacts_wechat_3m,
    COALESCE(rating_count_3m, 0) AS rating_count_3m,
    COALESCE(low_rating_count_3m, 0) AS low_rating_count_3m,
    CAST(rating_sum_3m AS DOUBLE) / CAST(NULLIF(rating_count_3m, 0) AS DOUBLE) AS rating_mean_3m,
    rating_min_3m,
    CAST(DATE_DIFF('day', CAST(last_contact_at AS DATE), @as_of_end) AS BIGINT) AS days_since_last_contact,
    COALESCE(contacts_3m, 0) = 0 AS no_contact_3m
FROM feature_inputs
