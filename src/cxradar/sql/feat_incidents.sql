-- name: feat_incidents
-- grain: one row per subscriber in the population
-- description: >
--   Incident exposure from incident_hits: weighted outage/degradation hours in the as-of month and
--   over 3 months, a severity-weighted exposure score, and counts of incidents hit by type.
--   Subscribers no incident touched get 0.
-- depends_on: [population, incident_hits]
-- materialized: table
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
WITH per_incident AS (
    -- one row per subscriber and incident: traffic-weighted hours in the as-of month and in 3 months
    SELECT
        msisdn,
        incident_id,
        type,
        MAX(severity) AS severity,
        MAX(CASE WHEN k = 0 THEN 1 ELSE 0 END) AS in_1m,
        SUM(CASE WHEN k = 0 THEN hours * weight ELSE 0 END) AS hours_1m,
        SUM(hours * weight) AS hours_3m
    FROM incident_hits
    GROUP BY msisdn, incident_id, type
),
exposure AS (
    SELECT
        msisdn,
        SUM(CASE WHEN type = 'network_outage' THEN hours_1m ELSE 0 END) AS outage_hours_1m,
        SUM(CASE WHEN type = 'network_degradation' THEN hours_1m ELSE 0 END) AS degradation_hours_1m,
        SUM(CASE WHEN type = 'network_outage' THEN hours_3m ELSE 0 END) AS outage_hours_3m,
        SUM(CASE WHEN type = 'network_degradation' THEN hours_3m ELSE 0 END) AS degradation_hours_3m,
        SUM(CASE WHEN type IN ('network_outage', 'network_degradation') THEN hours_1m * severity ELSE 0 END) AS network_exposure_1m,
        SUM(CASE WHEN type IN ('network_outage', 'network_degradation') THEN hours_3m * severity ELSE 0 END) AS network_exposure_3m,
        SUM(in_1m) AS incidents_hit_1m,
        COUNT(*) AS incidents_hit_3m,
        SUM(CASE WHEN type = 'billing_error' THEN in_1m ELSE 0 END) AS billing_error_hits_1m,
        SUM(CASE WHEN type = 'billing_error' THEN 1 ELSE 0 END) AS billing_error_hits_3m,
        SUM(CASE WHEN type = 'system_failure' THEN in_1m ELSE 0 END) AS system_failure_hits_1m,
        SUM(CASE WHEN type = 'system_failure' THEN 1 ELSE 0 END) AS system_failure_hits_3m,
        MAX(severity) AS max_incident_severity_3m
    FROM per_incident
    GROUP BY msisdn
)
SELECT
    p.msisdn,
    COALESCE(e.outage_hours_1m, 0) AS outage_hours_1m,
    COALESCE(e.degradation_hours_1m, 0) AS degradation_hours_1m,
    COALESCE(e.outage_hours_3m, 0) AS outage_hours_3m,
    COALESCE(e.degradation_hours_3m, 0) AS degradation_hours_3m,
    COALESCE(e.network_exposure_1m, 0) AS network_exposure_1m,
    COALESCE(e.network_exposure_3m, 0) AS network_exposure_3m,
    COALESCE(e.incidents_hit_1m, 0) AS incidents_hit_1m,
    COALESCE(e.incidents_hit_3m, 0) AS incidents_hit_3m,
    COALESCE(e.billing_error_hits_1m, 0) AS billing_error_hits_1m,
    COALESCE(e.billing_error_hits_3m, 0) AS billing_error_hits_3m,
    COALESCE(e.system_failure_hits_1m, 0) AS system_failure_hits_1m,
    COALESCE(e.system_failure_hits_3m, 0) AS system_failure_hits_3m,
    COALESCE(e.max_incident_severity_3m, 0) AS max_incident_severity_3m
FROM population AS p
LEFT JOIN exposure AS e ON e.msisdn = p.msisdn
