-- name: feature_inputs
-- grain: one row per subscriber in the population
-- description: >
--   Everything the feat_* models read, side by side: the population and its usage window, then
--   the complaint, contact, survey and incident windows and the as-of month's cell quality, each
--   joined on msisdn (empty where the subscriber has none). The feat_* models are projections of
--   this relation, so the feature table is one pass of joins and one select.
-- depends_on: [usage_window, complaint_window, contact_window, contact_latest, survey_window, incident_window, base_cells]
-- materialized: view
-- columns:
--   msisdn: key | mobile number | 手机号码
SELECT *
FROM usage_window
LEFT JOIN complaint_window USING (msisdn)
LEFT JOIN contact_window USING (msisdn)
LEFT JOIN contact_latest USING (msisdn)
LEFT JOIN survey_window USING (msisdn)
LEFT JOIN incident_window USING (msisdn)
LEFT JOIN (SELECT * FROM base_cells WHERE month_index = @as_of_index) AS cells USING (msisdn)
