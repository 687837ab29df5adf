-- The money behind unmet demand: for each council and category, the people with planned
-- support not yet arranged, their annual budgets, and the cost of what is not arranged.
WITH unmet AS (
    SELECT s.plan_id, s.category, sum(s.annual_cost_gbp) AS unarranged_cost_gbp
    FROM planned_support s
    WHERE NOT s.arranged
    GROUP BY s.plan_id, s.category
)
SELECT p.local_authority, u.category,
       count(*) AS people,
       sum(p.annual_budget_gbp) AS budget_gbp,
       sum(u.unarranged_cost_gbp) AS unarranged_cost_gbp
FROM unmet u
JOIN plans p ON p.plan_id = u.plan_id
WHERE p.active
GROUP BY p.local_authority, u.category
ORDER BY unarranged_cost_gbp DESC, p.local_authority, u.category
LIMIT 25
