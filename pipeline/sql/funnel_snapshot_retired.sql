-- The funnel snapshot generations whose chains can go: neither of the two latest snapshots of
-- any site (a query reads the latest; the one before is kept for queries already running),
-- and started grace_ms or more before the newest of those: a generation another worker is
-- still writing is younger than that.
-- Parameters: grace_ms UInt64
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
  AND generation + {grace_ms:UInt64} < (SELECT max(generation) FROM kept)
ORDER BY generation;
