-- Active personal budgets by council and how they are delivered (direct payments, managed
-- budgets, individual service funds, commissioned support).
SELECT local_authority, delivery_mechanism,
       count(*) AS plans,
       sum(annual_budget_gbp) AS budget_gbp,
       CAST(sum(annual_budget_gbp) AS DOUBLE) / CAST(count(*) AS DOUBLE) AS mean_budget_gbp,
       min(annual_budget_gbp) AS min_budget_gbp,
       max(annual_budget_gbp) AS max_budget_gbp
FROM plans
WHERE active
GROUP BY local_authority, delivery_mechanism
ORDER BY local_authority, delivery_mechanism
