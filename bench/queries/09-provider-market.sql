-- The provider market of each council by kind of provider: organisations, services accepting
-- new people, and their weekly capacity.
SELECT local_authority, provider_kind,
       count(DISTINCT organization_id) AS providers,
       count(DISTINCT service_id) AS services,
       sum(CASE WHEN accepting_new THEN 1 ELSE 0 END) AS accepting_rows,
       sum(CASE WHEN capacity_unit = 'hours' THEN coalesce(available_per_week, 0) ELSE 0 END)
           AS hours_per_week,
       sum(CASE WHEN capacity_unit = 'places' THEN coalesce(available_per_week, 0) ELSE 0 END)
           AS places_per_week
FROM services
WHERE active
GROUP BY local_authority, provider_kind
ORDER BY local_authority, provider_kind
