-- Activity in the event log: plan events by type and month of 2025 (partition pruning on
-- event_date), with the plans they touched.
SELECT CAST(extract(month FROM event_date) AS INTEGER) AS event_month,
       event_type,
       count(*) AS events,
       count(DISTINCT plan_id) AS plans
FROM plan_events
WHERE event_date >= DATE '2025-01-01' AND event_date < DATE '2026-01-01'
GROUP BY CAST(extract(month FROM event_date) AS INTEGER), event_type
ORDER BY event_month, event_type
