-- name: contact_latest
-- grain: one row per subscriber with a channel contact before the end of the as-of month
-- description: >
--   The latest channel contact ever, up to the end of the as-of month, read from the contacts table
--   itself (the look-back has no fixed length, so it does not come from the monthly base).
-- depends_on: [contacts]
-- materialized: view
-- columns:
--   msisdn: key | mobile number | 手机号码
--   last_contact_at: numeric | time of the latest contact | 最近一次接触时间
SELECT msisdn, MAX("at") AS last_contact_at
FROM contacts
WHERE "at" < @as_of_end
GROUP BY msisdn
