-- name: incident_exposure
-- grain: one row per (subscriber, incident) match in the identification window ending with the as-of month
-- description: >
--   Incident exposure for the incident-hit kind of potentially dissatisfied customers (the SQL form
--   of cxradar.identify.incidents.incident_exposure, whose rules it follows): incidents overlapping
--   the window of the last incident_window_months months; hours inside the window capped at
--   incident_max_hours; cells scope - subscribers whose traffic
--   in the window ran on the cells (share = the sum over the cells of the subscriber's mean monthly
--   share on each, kept only from incident_min_share), district scope - subscribers whose home
--   district it is, accounts scope - the listed msisdns with account_incident_hours. exposure =
--   severity weight x type weight x hours x share (capped at 1). Shares are summed as integers
--   (each monthly share rounded half up to a fixed unit, the monthly means brought to a common
--   denominator), so the numbers are the same on every engine and in every run.
-- depends_on: [incident_scope, subscriber_cells, subscribers]
-- materialized: table
-- columns:
--   msisdn: key | mobile number | 手机号码
--   incident_id: key | incident id | 事件编号
--   type: categorical | incident type | 事件类型
--   start: numeric | incident start | 开始时间
--   severity: numeric | severity (1 minor - 3 critical) | 严重程度
--   hours: numeric | hours of the incident inside the window (capped; account hours for accounts) | 窗口内影响小时数
--   share: numeric | share of the subscriber's traffic on the hit cells (1 for districts and accounts) | 受影响流量占比
--   cells: categorical | the hit cells the subscriber used, sorted, ', '-separated | 受影响小区
--   district: categorical | the home district hit (district scope) | 受影响区县
--   exposure: numeric | severity weight x type weight x hours x share (capped at 1) | 加权暴露度
WITH chosen AS (
    SELECT
        s.incident_id,
        s.type,
        s.start_at,
        s.severity,
        s.scope_type,
        s.scope_item,
        LEAST(
            GREATEST(
                CAST(DATE_DIFF(
                    'microsecond',
                    GREATEST(s.start_at, CAST(@exposure_start AS TIMESTAMP)),
                    LEAST(s.end_at, CAST(@exposure_end AS TIMESTAMP))
                ) AS DOUBLE) / 1000000 / 3600,
                CAST(0 AS DOUBLE)
            ),
            @max_hours
        ) AS hours,
        COALESCE(sw.weight, CAST(1 AS DOUBLE)) * COALESCE(tw.weight, CAST(1 AS DOUBLE)) AS weight
    FROM incident_scope AS s
    LEFT JOIN @severity_weights AS sw ON sw.severity = s.severity
    LEFT JOIN @type_weights AS tw ON tw.type = s.type
    WHERE s.start_at < @exposure_end AND s.end_at >= @exposure_start
),
shares AS (
    -- the subscriber's mean share on each cell over the window's months, as an integer numerator
    -- over a common denominator (share_lcm = the lcm of 1 .. window months, share_scale the unit)
    SELECT
        msisdn,
        cell_id,
        SUM(CAST(ROUND(traffic_share * @share_scale) AS BIGINT)) * (@share_lcm // COUNT(*)) AS share_units
    FROM subscriber_cells
    WHERE month >= @exposure_start AND month < @exposure_end
    GROUP BY msisdn, cell_id
),
by_cells AS (
    SELECT
        sh.msisdn,
        c.incident_id,
        c.type,
        c.start_at,
        c.severity,
        c.hours,
        c.weight,
        CAST(SUM(sh.share_units) AS DOUBLE) / CAST(@share_denominator AS DOUBLE) AS share,
        ARRAY_TO_STRING(LIST_SORT(LIST(sh.cell_id)), ', ') AS cells,
        '' AS district
    FROM chosen AS c
    JOIN shares AS sh ON sh.cell_id = c.scope_item
    WHERE c.scope_type = 'cells'
    GROUP BY sh.msisdn, c.incident_id, c.type, c.start_at, c.severity, c.hours, c.weight
),
matched AS (
    SELECT * FROM by_cells WHERE share >= @min_share
    UNION ALL
    SELECT
        c.scope_item AS msisdn,
        c.incident_id,
        c.type,
        c.start_at,
        c.severity,
        @account_hours AS hours,
        c.weight,
        CAST(1 AS DOUBLE) AS share,
        '' AS cells,
        '' AS district
    FROM chosen AS c
    WHERE c.scope_type = 'accounts'
    UNION ALL
    SELECT
        sub.msisdn,
        c.incident_id,
        c.type,
        c.start_at,
        c.severity,
        c.hours,
        c.weight,
        CAST(1 AS DOUBLE) AS share,
        '' AS cells,
        sub.district
    FROM chosen AS c
    JOIN subscribers AS sub ON sub.district = c.scope_item
    WHERE c.scope_type = 'district'
)
SELECT
    msisdn,
    incident_id,
    type,
    start_at AS "start",
    severity,
    hours,
    share,
    cells,
    district,
    weight * hours * LEAST(share, CAST(1 AS DOUBLE)) AS exposure
FROM matched
