-- Where supply is thinnest: people per local service accepting new people, by council and
-- category, with the capacity on offer.
SELECT local_authority, category, people, services, providers,
       places_per_week, hours_per_week, people_per_service
FROM gap
WHERE services > 0
ORDER BY people_per_service DESC, local_authority, category
LIMIT 20
