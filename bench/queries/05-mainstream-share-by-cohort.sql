-- How far each cohort's arranged support has moved to mainstream, community and personal
-- assistant provision ("inverting the triangle").
SELECT p.cohort,
       count(DISTINCT p.plan_id) AS people,
       sum(s.annual_cost_gbp) AS arranged_spend_gbp,
       sum(CASE WHEN s.provider_kind IN ('mainstream', 'community', 'personal_assistant')
                THEN s.annual_cost_gbp ELSE 0 END) AS mainstream_spend_gbp,
       CAST(sum(CASE WHEN s.provider_kind IN ('mainstream', 'community', 'personal_assistant')
                     THEN s.annual_cost_gbp ELSE 0 END) AS DOUBLE)
           / CAST(sum(s.annual_cost_gbp) AS DOUBLE) AS mainstream_share
FROM planned_support s
JOIN plans p ON p.plan_id = s.plan_id
WHERE p.active AND s.arranged
GROUP BY p.cohort
ORDER BY mainstream_share DESC, p.cohort
