-- name: incident_window
-- grain: one row per subscriber an incident hit in the 3 months ending with the as-of month
-- description: >
--   Incident exposure of the window from base_incident_hits: traffic-weighted nanoseconds of
--   outages and degradations (also x severity), and incidents hit by type. Per subscriber and
--   incident first, so an incident spanning two months counts once.
-- depends_on: [base_incident_hits]
-- materialized: view
-- columns:
--   msisdn: key | mobile number | 手机号码
--   outage_1m: numeric | weighted outage time in the as-of month (ns) | 当月网络中断加权时长（纳秒）
--   degradation_1m: numeric | weighted degradation time in the as-of month (ns) | 当月网络劣化加权时长（纳秒）
--   outage_3m: numeric | weighted outage time, 3 months (ns) | 近3个月网络中断加权时长（纳秒）
--   degradation_3m: numeric | weighted degradation time, 3 months (ns) | 近3个月网络劣化加权时长（纳秒）
--   network_1m: numeric | weighted network incident time x severity, as-of month (ns) | 当月网络事件暴露度（纳秒）
--   network_3m: numeric | weighted network incident time x severity, 3 months (ns) | 近3个月网络事件暴露度（纳秒）
--   incidents_hit_1m: numeric | incidents that hit the subscriber in the as-of month | 当月受影响事件数
--   incidents_hit_3m: numeric | incidents that hit the subscriber, 3 months | 近3个月受影响事件数
--   billing_error_hits_1m: numeric | billing errors, as-of month | 当月受计费差错影响次数
--   billing_error_hits_3m: numeric | billing errors, 3 months | 近3个月受计费差错影响次数
--   system_failure_hits_1m: numeric | system failures, as-of month | 当月受系统故障影响次数
--   system_failure_hits_3m: numeric | system failures, 3 months | 近3个月受系统故障影响次数
--   max_incident_severity_3m: numeric | highest severity of the incidents that hit, 3 months | 近3个月所受事件最高严重程度
WITH per_incident AS (
    -- one row per subscriber and incident: weighted nanoseconds in the as-of month and in 3 months
    SELECT
        msisdn,
        incident_id,
        type,
        MAX(severity) AS severity,
        MAX(CASE WHEN month_index = @as_of_index THEN 1 ELSE 0 END) AS in_1m,
        SUM(CASE WHEN month_index = @as_of_index THEN weighted_ns ELSE 0 END) AS ns_1m,
        SUM(weighted_ns) AS ns_3m
    FROM base_incident_hits
    WHERE month_index BETWEEN @as_of_index - 2 AND @as_of_index
    GROUP BY msisdn, incident_id, type
)
SELECT
    msisdn,
    SUM(CASE WHEN type = 'network_outage' THEN ns_1m ELSE 0 END) AS outage_1m,
    SUM(CASE WHEN type = 'network_degradation' THEN ns_1m ELSE 0 END) AS degradation_1m,
    SUM(CASE WHEN type = 'network_outage' THEN ns_3m ELSE 0 END) AS outage_3m,
    SUM(CASE WHEN type = 'network_degradation' THEN ns_3m ELSE 0 END) AS degradation_3m,
    SUM(CASE WHEN type IN ('network_outage', 'network_degradation') THEN ns_1m * severity ELSE 0 END) AS network_1m,
    SUM(CASE WHEN type IN ('network_outage', 'network_degradation') THEN ns_3m * severity ELSE 0 END) AS network_3m,
    SUM(in_1m) AS incidents_hit_1m,
    COUNT(*) AS incidents_hit_3m,
    SUM(CASE WHEN type = 'billing_error' THEN in_1m ELSE 0 END) AS billing_error_hits_1m,
    SUM(CASE WHEN type = 'billing_error' THEN 1 ELSE 0 END) AS billing_error_hits_3m,
    SUM(CASE WHEN type = 'system_failure' THEN in_1m ELSE 0 END) AS system_failure_hits_1m,
    SUM(CASE WHEN type = 'system_failure' THEN 1 ELSE 0 END) AS system_failure_hits_3m,
    MAX(severity) AS max_incident_severity_3m
FROM per_incident
GROUP BY msisdn
