-- name: feat_cells
-- grain: one row per subscriber in the population
-- description: >
--   Quality of the cells carrying the subscriber's traffic in the as-of month: traffic-share
--   weighted averages, the worst cell used, and the worst cell weighted by its share (largest
--   share x drop rate). Empty when the subscriber has no cell records that month.
-- depends_on: [population, subscriber_cells, cells]
-- materialized: table
-- catalog: true
-- columns:
--   msisdn: key | mobile number | 手机号码
--   cells_used_1m: numeric | cells carrying traffic in the as-of month | 当月使用小区数
--   cell_drop_rate_wavg: numeric | drop rate of the cells used, weighted by traffic share | 使用小区掉话率（流量加权）
--   cell_congestion_rate_wavg: numeric | congestion rate of the cells used, weighted by traffic share | 使用小区拥塞率（流量加权）
--   cell_throughput_wavg: numeric | download speed of the cells used (Mbit/s), weighted by traffic share | 使用小区下载速率（流量加权）
--   worst_cell_drop_rate: numeric | highest drop rate among the cells used | 使用小区最高掉话率
--   worst_cell_throughput: numeric | lowest download speed among the cells used (Mbit/s) | 使用小区最低下载速率
--   worst_cell_weighted_drop: numeric | largest traffic share x drop rate among the cells used | 使用小区最大加权掉话率
WITH used AS (
    SELECT
        sc.msisdn,
        sc.traffic_share,
        c.drop_rate,
        c.congestion_rate,
        c.throughput_mbps
    FROM subscriber_cells AS sc
    JOIN cells AS c ON c.cell_id = sc.cell_id
    WHERE sc.month = @as_of_month
),
quality AS (
    SELECT
        msisdn,
        COUNT(*) AS cells_used_1m,
        SUM(traffic_share * drop_rate) / NULLIF(SUM(traffic_share), 0) AS cell_drop_rate_wavg,
        SUM(traffic_share * congestion_rate) / NULLIF(SUM(traffic_share), 0) AS cell_congestion_rate_wavg,
        SUM(traffic_share * throughput_mbps) / NULLIF(SUM(traffic_share), 0) AS cell_throughput_wavg,
        MAX(drop_rate) AS worst_cell_drop_rate,
        MIN(throughput_mbps) AS worst_cell_throughput,
        MAX(traffic_share * drop_rate) AS worst_cell_weighted_drop
    FROM used
    GROUP BY msisdn
)
SELECT
    p.msisdn,
    COALESCE(q.cells_used_1m, 0) AS cells_used_1m,
    q.cell_drop_rate_wavg,
    q.cell_congestion_rate_wavg,
    q.cell_throughput_wavg,
    q.worst_cell_drop_rate,
    q.worst_cell_throughput,
    q.worst_cell_weighted_drop
FROM population AS p
LEFT JOIN quality AS q ON q.msisdn = p.msisdn
