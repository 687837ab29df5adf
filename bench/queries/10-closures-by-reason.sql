-- Why plans close, by council and year of closure, with the budgets that left.
SELECT local_authority,
       CAST(extract(year FROM closed_at) AS INTEGER) AS closed_year,
       closure_reason,
       count(*) AS plans,
       sum(annual_budget_gbp) AS budget_gbp
FROM plans
WHERE closed_at IS NOT NULL
GROUP BY local_authority, CAST(extract(year FROM closed_at) AS INTEGER), closure_reason
ORDER BY local_authority, closed_year, plans DESC, closure_reason
