-- name: feat_incidents
-- grain: one row per subscriber in the population
-- description: >
--   Incident exposure (incident_window, from base_incident_hits): weighted outage/degradation hours in the as-of month and
--   over 3 months, a severity-weighted exposure score, and counts of incidents hit by type.
--   Subscribers no incident touched get 0. Hours are exact integer sums of weighted nanoseconds
--   divided once by 3600 x 1e9.
-- depends_on: [feature_inputs]
-- materialized: view
-- catalog: true
-- columns:
--   msisdn: key | mobile number | 手机号码
--   outage_hours_1m: numeric | network outage hours in the as-of month, weighted by traffic share | 当月网络中断影响小时数（按流量占比加权）
--   degradation_hours_1m: numeric | network degradation hours in the as-of month, weighted by traffic share | 当月网络劣化影响小时数（按流量占比加权）
--   outage_hours_3m: numeric | network outage hours, 3 months, weighted by traffic share | 近3个月网络中断影响小时数（加权）
--   degradation_hours_3m: numeric | network degradation hours, 3 months, weighted by traffic share | 近3个月网络劣化影响小时数（加权）
--   network_exposure_1m: numeric | network incident hours x traffic share x severity, as-of month | 当月网络事件暴露度（小时×占比×严重程度）
--   network_exposure_3m: numeric | network incident hours x traffic share x severity, 3 months | 近3个月网络事件暴露度（小时×占比×严重程度）
--   incidents_hit_1m: numeric | incidents of any type that hit the subscriber in the as-of month | 当月受影响事件数
--   incidents_hit_3m: numeric | incidents of any type that hit the subscriber, 3 months | 近3个月受影响事件数
--   billing_error_hits_1m: numeric | billing errors that hit the subscriber in the as-of month | 当月受计费差错影响次数
--   billing_error_hits_3m: numeric | billing errors that hit the subscriber, 3 months | 近3个月受计费差错影响次数
--   system_failure_hits_1m: numeric | system failures that hit the subscriber in the as-of month | 当月受系统故障影响次数
--   system_failure_hits_3m: numeric | system failures that hit the subscriber, 3 months | 近3个月受系统故障影响次数
--   max_incident_severity_3m: numeric | highest severity of the incidents that hit, 3 months (0 = none) | 近3个月所受事件最高严重程度
SELECT
    msisdn,
    CAST(COALESCE(outage_1m, 0) AS DOUBLE) / 3600000000000 AS outage_hours_1m,
    CAST(COALESCE(degradation_1m, 0) AS DOUBLE) / 3600000000000 AS degradation_hours_1m,
    CAST(COALESCE(outage_3m, 0) AS DOUBLE) / 3600000000000 AS outage_hours_3m,
    CAST(COALESCE(degradation_3m, 0) AS DOUBLE) / 3600000000000 AS degradation_hours_3m,
    CAST(COALESCE(network_1m, 0) AS DOUBLE) / 3600000000000 AS network_exposure_1m,
    CAST(COALESCE(network_3m, 0) AS DOUBLE) / 3600000000000 AS network_exposure_3m,
    COALESCE(incidents_hit_1m, 0) AS incidents_hit_1m,
    COALESCE(incidents_hit_3m, 0) AS incidents_hit_3m,
    COALESCE(billing_error_hits_1m, 0) AS billing_error_hits_1m,
    COALESCE(billing_error_hits_3m, 0) AS billing_error_hits_3m,
    COALESCE(system_failure_hits_1m, 0) AS system_failure_hits_1m,
    COALESCE(system_failure_hits_3m, 0) AS system_failure_hits_3m,
    COALESCE(max_incident_severity_3m, 0) AS max_incident_severity_3m
FROM feature_inputs
