-- Gaps by council: categories people ask for with no local service accepting new people, and
-- the people and budgets behind them.
SELECT local_authority,
       count(*) AS categories_without_service,
       sum(people) AS people,
       sum(unmet_people) AS unmet_people,
       sum(budget_gbp) AS budget_gbp
FROM gap
WHERE services = 0 AND people > 0
GROUP BY local_authority
ORDER BY people DESC, local_authority
