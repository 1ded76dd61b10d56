-- The funnel snapshot generations whose chains can go: neither of the two latest snapshots of
-- any site, and older than the newest of those (a newer one may still be being written; a
-- query reads the latest snapshot, so the one before it is kept for queries already running).
-- Columns: generation
WITH kept AS
(
    SELECT generation
    FROM
    (
        SELECT generation,
               row_number() OVER (PARTITION BY site_id ORDER BY generation DESC) AS age
        FROM clickstream.funnel_snapshots
    )
    WHERE age <= 2
)
SELECT DISTINCT generation
FROM clickstream.funnel_snapshot_chains
WHERE generation NOT IN (SELECT generation FROM kept)
  AND generation < (SELECT max(generation) FROM kept)
ORDER BY generation;
