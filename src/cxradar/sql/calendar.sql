-- name: calendar
-- grain: one row per month of the 6-month window that ends with the as-of month
-- description: >
--   The months every window feature is measured over. k = 0 is the as-of month M, k = 5 is M-5.
--   month_end is the first day of the next month (exclusive), so "in month k" means
--   month_start <= t < month_end. Nothing after the end of M is ever in a window.
-- depends_on: []
-- materialized: table
-- columns:
--   k: key | months before the as-of month | 距统计月的月数
--   month_start: key | first day of the month | 月初
--   month_end: key | first day of the next month (exclusive) | 下月初（不含）
SELECT 0 AS k, @as_of_month AS month_start, @as_of_end AS month_end
UNION ALL SELECT 1 AS k, @month_minus_1 AS month_start, @as_of_month AS month_end
UNION ALL SELECT 2 AS k, @month_minus_2 AS month_start, @month_minus_1 AS month_end
UNION ALL SELECT 3 AS k, @month_minus_3 AS month_start, @month_minus_2 AS month_end
UNION ALL SELECT 4 AS k, @month_minus_4 AS month_start, @month_minus_3 AS month_end
UNION ALL SELECT 5 AS k, @month_minus_5 AS month_start, @month_minus_4 AS month_end
