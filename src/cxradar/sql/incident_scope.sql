-- name: incident_scope
-- grain: one row per incident and scope item (cell, district or msisdn)
-- description: >
--   incidents.scope is a ';'-separated list whose meaning scope_type gives (cells, one district,
--   or accounts = msisdns). This model explodes it into one row per item (blank items dropped);
--   the models that read it choose the incidents of their months.
-- depends_on: [incidents]
-- materialized: view
-- columns:
--   incident_id: key | incident id | 事件编号
--   type: categorical | incident type | 事件类型
--   severity: numeric | severity (1 minor - 3 critical) | 严重程度
--   start_at: numeric | start | 开始时间
--   end_at: numeric | end | 结束时间
--   scope_type: categorical | scope type (cells / district / accounts) | 影响范围类型
--   scope_item: key | one cell id, district or msisdn | 影响对象
SELECT
    incident_id,
    type,
    severity,
    start_at,
    end_at,
    scope_type,
    TRIM(item) AS scope_item
FROM (
    -- the explode as a projection: DuckDB runs a lateral UNNEST of long account lists hundreds of
    -- times slower (Spark writes EXPLODE(SPLIT(...)) either way)
    SELECT
        i.id AS incident_id,
        i.type,
        i.severity,
        i.start AS start_at,
        i."end" AS end_at,
        i.scope_type,
        UNNEST(STRING_SPLIT(i.scope, ';')) AS item
    FROM incidents AS i
) AS items
WHERE TRIM(item) <> ''
