-- name: features
-- grain: one row per subscriber active at some point in the as-of month
-- description: >
--   The feature table: every feat_* model joined on msisdn. Each feat_* model has exactly one row
--   per population subscriber, so this is a plain join; its columns are documented in the feat_*
--   files (and listed by cxradar.features.feature_catalog()). The feat_* models are projections of
--   feature_inputs, so cxradar runs the equivalent single select of all their columns over
--   feature_inputs instead of the self-joins (cxradar.features.plan.composed_features_sql).
-- depends_on: [feat_basic, feat_usage, feat_payment, feat_complaints, feat_contacts, feat_surveys, feat_incidents, feat_cells]
-- materialized: view
-- columns:
--   msisdn: key | mobile number | 手机号码
SELECT *
FROM feat_basic
JOIN feat_usage USING (msisdn)
JOIN feat_payment USING (msisdn)
JOIN feat_complaints USING (msisdn)
JOIN feat_contacts USING (msisdn)
JOIN feat_surveys USING (msisdn)
JOIN feat_incidents USING (msisdn)
JOIN feat_cells USING (msisdn)
