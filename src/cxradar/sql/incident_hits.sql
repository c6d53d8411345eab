-- name: incident_hits
-- grain: one row per incident, month of the last 3 (k = 0 is the as-of month) and subscriber it hit
-- description: >
--   Matches incidents to subscribers, month by month. An incident counts in month k for the hours
--   of its span that fall inside that month (clipped at the end of the as-of month, so an incident
--   still running then contributes only the hours so far). Who is hit:
--   cells scope - subscribers whose traffic that month ran on those cells, weight = traffic share;
--   district scope, network incidents - subscribers using cells of that district, weight = share;
--   district scope, billing/system incidents - subscribers whose home district it is, weight 1;
--   accounts scope - the listed msisdns, weight 1. A subscriber's weight is capped at 1.
-- depends_on: [incident_scope, calendar, subscriber_cells, cells, population]
-- materialized: table
-- columns:
--   incident_id: key | incident id | 事件编号
--   type: categorical | incident type | 事件类型
--   severity: numeric | severity (1 minor - 3 critical) | 严重程度
--   k: key | months before the as-of month | 距统计月的月数
--   msisdn: key | mobile number | 手机号码
--   hours: numeric | hours of the incident inside month k | 当月影响小时数
--   weight: numeric | share of the subscriber's traffic affected (1 for account/district lists) | 受影响流量占比
WITH spans AS (
    SELECT
        s.incident_id,
        s.type,
        s.severity,
        s.scope_type,
        s.scope_item,
        m.k,
        m.month_start,
        (EPOCH(LEAST(s.end_at, CAST(m.month_end AS TIMESTAMP)))
            - EPOCH(GREATEST(s.start_at, CAST(m.month_start AS TIMESTAMP)))) / 3600.0 AS hours
    FROM incident_scope AS s
    JOIN calendar AS m
        ON m.k < 3 AND s.start_at < m.month_end AND s.end_at > m.month_start
),
matched AS (
    SELECT sp.incident_id, sp.type, sp.severity, sp.k, sp.hours, sc.msisdn, sc.traffic_share AS weight
    FROM spans AS sp
    JOIN subscriber_cells AS sc ON sc.cell_id = sp.scope_item AND sc.month = sp.month_start
    WHERE sp.scope_type = 'cells'
    UNION ALL
    SELECT sp.incident_id, sp.type, sp.severity, sp.k, sp.hours, sc.msisdn, sc.traffic_share AS weight
    FROM spans AS sp
    JOIN cells AS c ON c.district = sp.scope_item
    JOIN subscriber_cells AS sc ON sc.cell_id = c.cell_id AND sc.month = sp.month_start
    WHERE sp.scope_type = 'district' AND sp.type IN ('network_outage', 'network_degradation')
    UNION ALL
    SELECT sp.incident_id, sp.type, sp.severity, sp.k, sp.hours, p.msisdn, 1.0 AS weight
    FROM spans AS sp
    JOIN population AS p ON p.district = sp.scope_item
    WHERE sp.scope_type = 'district' AND sp.type IN ('billing_error', 'system_failure')
    UNION ALL
    SELECT sp.incident_id, sp.type, sp.severity, sp.k, sp.hours, sp.scope_item AS msisdn, 1.0 AS weight
    FROM spans AS sp
    WHERE sp.scope_type = 'accounts'
)
SELECT
    incident_id,
    type,
    severity,
    k,
    msisdn,
    MAX(hours) AS hours,
    LEAST(SUM(weight), 1.0) AS weight
FROM matched
GROUP BY incident_id, type, severity, k, msisdn
