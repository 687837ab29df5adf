-- Demand across all councils by outcome category: people with an active plan asking for it,
-- the budgets behind them, and how many of them have support not yet arranged.
SELECT category,
       sum(people) AS people,
       sum(budget_gbp) AS budget_gbp,
       sum(unmet_people) AS unmet_people,
       sum(planned_spend_gbp) AS planned_spend_gbp
FROM demand
GROUP BY category
ORDER BY people DESC, category
