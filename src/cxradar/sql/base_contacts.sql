-- name: base_contacts
-- grain: one row per subscriber and month of the batch with a channel contact
-- description: >
--   Monthly base of the contact features: contacts per channel and the post-contact SMS ratings
--   (how many, how many low - at or below the contacts contract's low mark -, their integer sum
--   and the lowest). Computed once per calendar month and cached.
-- depends_on: [contacts]
-- materialized: table
-- columns:
--   msisdn: key | mobile number | 手机号码
--   month_index: key | month number (12 x year + month - 1) | 月序号
--   contacts: numeric | channel contacts in the month | 当月渠道接触次数
--   contacts_hall: numeric | hall contacts | 营业厅接触次数
--   contacts_hotline: numeric | hotline contacts | 热线接触次数
--   contacts_web: numeric | web contacts | 网站接触次数
--   contacts_app: numeric | app contacts | 手机营业厅App接触次数
--   contacts_sms: numeric | sms contacts | 短信接触次数
--   contacts_outbound: numeric | outbound contacts | 外呼接触次数
--   contacts_wechat: numeric | wechat contacts | 微信接触次数
--   rating_count: numeric | post-contact ratings given | 短信评价次数
--   low_rating_count: numeric | low post-contact ratings | 短信低评价次数
--   rating_sum: numeric | sum of the post-contact ratings (empty when none) | 短信评价分数之和
--   rating_min: numeric | lowest post-contact rating (empty when none) | 短信评价最低分
SELECT
    msisdn,
    CAST(12 * YEAR("at") + MONTH("at") - 1 AS BIGINT) AS month_index,
    COUNT(*) AS contacts,
    CAST(SUM(CASE WHEN channel = 'hall' THEN 1 ELSE 0 END) AS BIGINT) AS contacts_hall,
    CAST(SUM(CASE WHEN channel = 'hotline' THEN 1 ELSE 0 END) AS BIGINT) AS contacts_hotline,
    CAST(SUM(CASE WHEN channel = 'web' THEN 1 ELSE 0 END) AS BIGINT) AS contacts_web,
    CAST(SUM(CASE WHEN channel = 'app' THEN 1 ELSE 0 END) AS BIGINT) AS contacts_app,
    CAST(SUM(CASE WHEN channel = 'sms' THEN 1 ELSE 0 END) AS BIGINT) AS contacts_sms,
    CAST(SUM(CASE WHEN channel = 'outbound' THEN 1 ELSE 0 END) AS BIGINT) AS contacts_outbound,
    CAST(SUM(CASE WHEN channel = 'wechat' THEN 1 ELSE 0 END) AS BIGINT) AS contacts_wechat,
    COUNT(rating) AS rating_count,
    CAST(SUM(CASE WHEN rating <= @low_rating_max THEN 1 ELSE 0 END) AS BIGINT) AS low_rating_count,
    CAST(SUM(rating) AS BIGINT) AS rating_sum,
    CAST(MIN(rating) AS BIGINT) AS rating_min
FROM contacts
WHERE "at" >= @first_month AND "at" < @batch_end
GROUP BY msisdn, CAST(12 * YEAR("at") + MONTH("at") - 1 AS BIGINT)
