-- name: base_cells
-- grain: one row per subscriber and month of the batch with cell records
-- description: >
--   Monthly base of the cell-quality features: the cells carrying the subscriber's traffic that
--   month (cells table as it stands when the month is computed). Shares and share-weighted cell
--   figures are summed as integers - rates in units of 1e-15, speeds in 1e-12 Mbit/s, each cell's
--   share x figure rounded half up - so the weighted averages are one division of exact sums.
--   Computed once per calendar month and cached.
-- depends_on: [subscriber_cells, cells]
-- materialized: table
-- columns:
--   msisdn: key | mobile number | 手机号码
--   month_index: key | month number (12 x year + month - 1) | 月序号
--   cells_used: numeric | cells carrying traffic in the month | 当月使用小区数
--   share_e15: numeric | sum of traffic shares (1e-15) | 流量占比之和（1e-15）
--   drop_rate_e15: numeric | sum of share x drop rate (1e-15) | 占比×掉话率之和（1e-15）
--   congestion_rate_e15: numeric | sum of share x congestion rate (1e-15) | 占比×拥塞率之和（1e-15）
--   share_e12: numeric | sum of traffic shares (1e-12) | 流量占比之和（1e-12）
--   throughput_e12: numeric | sum of share x download speed (1e-12 Mbit/s) | 占比×下载速率之和（1e-12 Mbit/s）
--   worst_drop_rate: numeric | highest drop rate among the cells used | 使用小区最高掉话率
--   worst_throughput: numeric | lowest download speed among the cells used (Mbit/s) | 使用小区最低下载速率
--   worst_weighted_drop: numeric | largest traffic share x drop rate among the cells used | 使用小区最大加权掉话率
SELECT
    sc.msisdn,
    CAST(12 * YEAR(sc.month) + MONTH(sc.month) - 1 AS BIGINT) AS month_index,
    COUNT(*) AS cells_used,
    CAST(SUM(CAST(ROUND(sc.traffic_share * 1000000000000000) AS BIGINT)) AS BIGINT) AS share_e15,
    CAST(SUM(CAST(ROUND(sc.traffic_share * c.drop_rate * 1000000000000000) AS BIGINT)) AS BIGINT) AS drop_rate_e15,
    CAST(SUM(CAST(ROUND(sc.traffic_share * c.congestion_rate * 1000000000000000) AS BIGINT)) AS BIGINT) AS congestion_rate_e15,
    CAST(SUM(CAST(ROUND(sc.traffic_share * 1000000000000) AS BIGINT)) AS BIGINT) AS share_e12,
    CAST(SUM(CAST(ROUND(sc.traffic_share * c.throughput_mbps * 1000000000000) AS BIGINT)) AS BIGINT) AS throughput_e12,
    MAX(c.drop_rate) AS worst_drop_rate,
    MIN(c.throughput_mbps) AS worst_throughput,
    MAX(sc.traffic_share * c.drop_rate) AS worst_weighted_drop
FROM subscriber_cells AS sc
JOIN cells AS c ON c.cell_id = sc.cell_id
WHERE sc.month >= @first_month AND sc.month < @batch_end
GROUP BY sc.msisdn, CAST(12 * YEAR(sc.month) + MONTH(sc.month) - 1 AS BIGINT)
