-- Searching what people said in their own words: active plans whose outcomes mention
-- swimming, the gym or walking, by council.
SELECT p.local_authority,
       count(DISTINCT o.plan_id) AS people,
       count(*) AS outcomes
FROM outcomes o
JOIN plans p ON p.plan_id = o.plan_id
WHERE p.active
  AND (lower(o.text) LIKE '%swim%' OR lower(o.text) LIKE '%gym%' OR lower(o.text) LIKE '%walk%')
GROUP BY p.local_authority
ORDER BY people DESC, p.local_authority
