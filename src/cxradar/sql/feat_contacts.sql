-- name: feat_contacts
-- grain: one row per subscriber in the population
-- description: >
--   Contacts with service channels up to the end of the as-of month: counts per channel over 3
--   months, post-contact SMS rating statistics over 3 months (the low mark comes from the contacts
--   contract's rating_scale), days from the latest contact ever to the end of the as-of month
--   (empty when never), and the channel-silent input no_contact_3m.
-- depends_on: [population, contacts]
-- materialized: table
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
WITH history AS (
    SELECT msisdn, MAX("at") AS last_at
    FROM contacts
    WHERE "at" < @as_of_end
    GROUP BY msisdn
),
recent AS (
    SELECT
        msisdn,
        channel,
        rating,
        CASE WHEN "at" >= @as_of_month THEN 1 ELSE 0 END AS in_1m
    FROM contacts
    WHERE "at" >= @month_minus_2 AND "at" < @as_of_end
),
counts AS (
    SELECT
        msisdn,
        SUM(in_1m) AS contacts_1m,
        COUNT(*) AS contacts_3m,
        SUM(CASE WHEN channel = 'hall' THEN 1 ELSE 0 END) AS contacts_hall_3m,
        SUM(CASE WHEN channel = 'hotline' THEN 1 ELSE 0 END) AS contacts_hotline_3m,
        SUM(CASE WHEN channel = 'web' THEN 1 ELSE 0 END) AS contacts_web_3m,
        SUM(CASE WHEN channel = 'app' THEN 1 ELSE 0 END) AS contacts_app_3m,
        SUM(CASE WHEN channel = 'sms' THEN 1 ELSE 0 END) AS contacts_sms_3m,
        SUM(CASE WHEN channel = 'outbound' THEN 1 ELSE 0 END) AS contacts_outbound_3m,
        SUM(CASE WHEN channel = 'wechat' THEN 1 ELSE 0 END) AS contacts_wechat_3m,
        COUNT(rating) AS rating_count_3m,
        SUM(CASE WHEN rating <= @low_rating_max THEN 1 ELSE 0 END) AS low_rating_count_3m,
        AVG(CAST(rating AS DOUBLE)) AS rating_mean_3m,
        MIN(rating) AS rating_min_3m
    FROM recent
    GROUP BY msisdn
)
SELECT
    p.msisdn,
    COALESCE(c.contacts_1m, 0) AS contacts_1m,
    COALESCE(c.contacts_3m, 0) AS contacts_3m,
    COALESCE(c.contacts_hall_3m, 0) AS contacts_hall_3m,
    COALESCE(c.contacts_hotline_3m, 0) AS contacts_hotline_3m,
    COALESCE(c.contacts_web_3m, 0) AS contacts_web_3m,
    COALESCE(c.contacts_app_3m, 0) AS contacts_app_3m,
    COALESCE(c.contacts_sms_3m, 0) AS contacts_sms_3m,
    COALESCE(c.contacts_outbound_3m, 0) AS contacts_outbound_3m,
    COALESCE(c.contacts_wechat_3m, 0) AS contacts_wechat_3m,
    COALESCE(c.rating_count_3m, 0) AS rating_count_3m,
    COALESCE(c.low_rating_count_3m, 0) AS low_rating_count_3m,
    c.rating_mean_3m,
    c.rating_min_3m,
    DATE_DIFF('day', CAST(h.last_at AS DATE), @as_of_end) AS days_since_last_contact,
    COALESCE(c.contacts_3m, 0) = 0 AS no_contact_3m
FROM population AS p
LEFT JOIN counts AS c ON c.msisdn = p.msisdn
LEFT JOIN history AS h ON h.msisdn = p.msisdn
