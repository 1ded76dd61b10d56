-- The sites whose funnel snapshot is missing or behind: events were loaded at or after the time
-- their latest snapshot holds events up to, or funnel_steps changed since it was taken.
-- Parameters: window_seconds UInt32
-- Columns: site_id
SELECT e.site_id AS site_id
FROM
(
    SELECT site_id, max(loaded_at) AS last_loaded
    FROM clickstream.events
    GROUP BY site_id
) AS e
LEFT JOIN
(
    SELECT site_id, max(loaded_before) AS covered, argMax(steps_hash, generation) AS steps_hash
    FROM clickstream.funnel_snapshots
    WHERE window_seconds = {window_seconds:UInt32}
    GROUP BY site_id
) AS s ON s.site_id = e.site_id
WHERE s.covered IS NULL
   OR e.last_loaded >= s.covered
   OR s.steps_hash != (SELECT steps_hash FROM clickstream.funnel_steps_hash)
ORDER BY site_id
SETTINGS join_use_nulls = 1;
