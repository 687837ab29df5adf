-- Data quality: rejected messages by reason.
SELECT reason, count(*) AS rejected, count(DISTINCT event_id) AS distinct_event_ids
FROM rejected_events
GROUP BY reason
ORDER BY rejected DESC, reason
