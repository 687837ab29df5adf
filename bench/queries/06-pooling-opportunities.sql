-- The largest groups of people in one locality asking for the same thing: who could pool
-- their budgets to commission something together.
SELECT local_authority, locality, category, people, budget_gbp,
       CAST(budget_gbp AS DOUBLE) / CAST(people AS DOUBLE) AS budget_per_person_gbp
FROM pooling
ORDER BY people DESC, budget_gbp DESC, local_authority, locality, category
LIMIT 30
