-- name: base_incident_hits
-- grain: one row per incident, month of the batch and subscriber it hit
-- description: >
--   Matches incidents to subscribers, month by month. An incident counts in a month for the
--   microseconds of its span inside that month, so an incident still running at the end of a
--   month contributes only the time so far. Who is hit:
--   cells scope - subscribers whose traffic that month ran on those cells, weight = traffic share;
--   district scope, network incidents - subscribers using cells of that district, weight = share;
--   district scope, billing/system incidents - subscribers whose home district it is, weight 1;
--   accounts scope - the listed msisdns, weight 1. A subscriber's weight is capped at 1. Weights
--   are integers in units of 1e-12 (shares rounded half up); time x weight is kept in whole
--   nanoseconds (weighted_ns, rounded half up), so the window sums are exact integers. Incident
--   ids are unique (the contract's key). Computed once per calendar month and cached.
-- depends_on: [incidents, incident_scope, base_months, subscriber_cells, cells, subscribers]
-- materialized: table
-- columns:
--   incident_id: key | incident id | 事件编号
--   type: categorical | incident type | 事件类型
--   severity: numeric | severity (1 minor - 3 critical) | 严重程度
--   month_index: key | month number (12 x year + month - 1) | 月序号
--   msisdn: key | mobile number | 手机号码
--   microseconds: numeric | microseconds of the incident inside the month | 当月影响微秒数
--   weight_e12: numeric | share of the subscriber's traffic affected (1e-12; 1e12 = all) | 受影响流量占比（1e-12）
--   weighted_ns: numeric | time x weight, in nanoseconds | 影响时长×占比（纳秒）
WITH spans AS (
    -- each incident in each month of the batch it overlaps, with its time inside that month
    SELECT
        i.id AS incident_id,
        i.type,
        i.severity,
        m.month_index,
        m.month_start,
        DATE_DIFF(
            'microsecond',
            GREATEST(i.start, CAST(m.month_start AS TIMESTAMP)),
            LEAST(i."end", CAST(m.month_end AS TIMESTAMP))
        ) AS microseconds
    FROM incidents AS i
    JOIN base_months AS m ON i.start < m.month_end AND i."end" > m.month_start
),
hit_cells AS (
    -- network incidents reach subscribers through cells: the listed ones, or those of the district
    SELECT incident_id, scope_item AS cell_id
    FROM incident_scope
    WHERE scope_type = 'cells'
    UNION ALL
    SELECT s.incident_id, c.cell_id
    FROM incident_scope AS s
    JOIN cells AS c ON c.district = s.scope_item
    WHERE s.scope_type = 'district' AND s.type IN ('network_outage', 'network_degradation')
),
matched AS (
    SELECT sp.incident_id, sp.month_index, sc.msisdn, CAST(ROUND(sc.traffic_share * 1000000000000) AS BIGINT) AS weight
    FROM spans AS sp
    JOIN hit_cells AS hc ON hc.incident_id = sp.incident_id
    JOIN subscriber_cells AS sc ON sc.cell_id = hc.cell_id AND sc.month = sp.month_start
    UNION ALL
    SELECT sp.incident_id, sp.month_index, sub.msisdn, CAST(1000000000000 AS BIGINT) AS weight
    FROM spans AS sp
    JOIN incident_scope AS s ON s.incident_id = sp.incident_id
    JOIN subscribers AS sub ON sub.district = s.scope_item
    WHERE s.scope_type = 'district' AND s.type IN ('billing_error', 'system_failure')
    UNION ALL
    SELECT sp.incident_id, sp.month_index, s.scope_item AS msisdn, CAST(1000000000000 AS BIGINT) AS weight
    FROM spans AS sp
    JOIN incident_scope AS s ON s.incident_id = sp.incident_id
    WHERE s.scope_type = 'accounts'
),
weights AS (
    SELECT incident_id, month_index, msisdn, CAST(LEAST(SUM(weight), 1000000000000) AS BIGINT) AS weight_e12
    FROM matched
    GROUP BY incident_id, month_index, msisdn
)
SELECT
    w.incident_id,
    sp.type,
    sp.severity,
    w.month_index,
    w.msisdn,
    sp.microseconds,
    w.weight_e12,
    CAST(ROUND(CAST(sp.microseconds AS DOUBLE) * CAST(w.weight_e12 AS DOUBLE) / 1000000000) AS BIGINT) AS weighted_ns
FROM weights AS w
JOIN spans AS sp ON sp.incident_id = w.incident_id AND sp.month_index = w.month_index
