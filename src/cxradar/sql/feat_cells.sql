-- name: feat_cells
-- grain: one row per subscriber in the population
-- description: >
--   Quality of the cells carrying the subscriber's traffic in the as-of month: traffic-share
--   weighted averages, the worst cell used, and the worst cell weighted by its share (largest
--   share x drop rate). Empty when the subscriber has no cell records that month. The averages
--   are one division of the base month's exact integer sums.
-- depends_on: [feature_inputs]
-- materialized: view
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
SELECT
    msisdn,
    COALESCE(cells_used, 0) AS cells_used_1m,
    CAST(drop_rate_e15 AS DOUBLE) / CAST(NULLIF(share_e15, 0) AS DOUBLE) AS cell_drop_rate_wavg,
    CAST(congestion_rate_e15 AS DOUBLE) / CAST(NULLIF(share_e15, 0) AS DOUBLE) AS cell_congestion_rate_wavg,
    CAST(throughput_e12 AS DOUBLE) / CAST(NULLIF(share_e12, 0) AS DOUBLE) AS cell_throughput_wavg,
    worst_drop_rate AS worst_cell_drop_rate,
    worst_throughput AS worst_cell_throughput,
    worst_weighted_drop AS worst_cell_weighted_drop
FROM feature_inputs
