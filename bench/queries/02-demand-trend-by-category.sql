-- The last twelve months' trend of demand by category, across all councils.
SELECT category, month, sum(people) AS people
FROM demand_monthly
WHERE month IN (SELECT DISTINCT month FROM demand_monthly ORDER BY month DESC LIMIT 12)
GROUP BY category, month
ORDER BY category, month
