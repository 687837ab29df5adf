-- What people of each age band want: the share of active plans in the band asking for each
-- category.
WITH wants AS (
    SELECT DISTINCT o.plan_id, o.category FROM outcomes o
),
band AS (
    SELECT age_band, count(*) AS plans FROM plans WHERE active GROUP BY age_band
)
SELECT p.age_band, w.category,
       count(*) AS people,
       CAST(count(*) AS DOUBLE) / CAST(max(b.plans) AS DOUBLE) AS share_of_band
FROM wants w
JOIN plans p ON p.plan_id = w.plan_id
JOIN band b ON b.age_band = p.age_band
WHERE p.active
GROUP BY p.age_band, w.category
ORDER BY p.age_band, people DESC, w.category
