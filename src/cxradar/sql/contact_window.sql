-- name: contact_window
-- grain: one row per subscriber with a channel contact in the 3 months ending with the as-of month
-- description: >
--   Channel contacts of the window from the monthly base: counts per channel over 3 months (and
--   the as-of month), and the post-contact rating counts, integer sum and minimum.
-- depends_on: [base_contacts]
-- materialized: view
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
--   low_rating_count_3m: numeric | low post-contact ratings, 3 months | 近3个月短信低评价次数
--   rating_sum_3m: numeric | sum of the post-contact ratings, 3 months (empty when none) | 近3个月短信评价分数之和
--   rating_min_3m: numeric | lowest post-contact rating, 3 months (empty when none) | 近3个月短信评价最低分
SELECT
    msisdn,
    SUM(CASE WHEN month_index = @as_of_index THEN contacts ELSE 0 END) AS contacts_1m,
    SUM(contacts) AS contacts_3m,
    SUM(contacts_hall) AS contacts_hall_3m,
    SUM(contacts_hotline) AS contacts_hotline_3m,
    SUM(contacts_web) AS contacts_web_3m,
    SUM(contacts_app) AS contacts_app_3m,
    SUM(contacts_sms) AS contacts_sms_3m,
    SUM(contacts_outbound) AS contacts_outbound_3m,
    SUM(contacts_wechat) AS contacts_wechat_3m,
    SUM(rating_count) AS rating_count_3m,
    SUM(low_rating_count) AS low_rating_count_3m,
    SUM(rating_sum) AS rating_sum_3m,
    MIN(rating_min) AS rating_min_3m
FROM base_contacts
WHERE month_index BETWEEN @as_of_index - 2 AND @as_of_index
GROUP BY msisdn
