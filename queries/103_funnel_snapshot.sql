-- funnel_snapshot: the funnel snapshot (migration 013) a funnel query can read, if any.
-- Answers: "can the chains of this site, period and window come from the snapshot?" They can
-- when the site has a snapshot taken with this window and the current funnel_steps, and both
-- period bounds (site time zone) fall on a quarter hour, the snapshot's bucket. Otherwise no
-- row, and the funnel views compute every chain from raw events.
-- Parameters: site String, date_from DateTime, date_to DateTime, window_seconds UInt32
-- Columns (one row or none):
--   generation     the snapshot (funnel_snapshot_chains.generation), its latest usable one
--   loaded_before  events loaded before this are in it; persons with later ones are computed raw
CREATE OR REPLACE VIEW clickstream.funnel_snapshot AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toUnixTimestamp64Milli(toDateTime64(toString({date_from:DateTime}), 3, tz)) AS period_start_ms,
    toUnixTimestamp64Milli(toDateTime64(toString({date_to:DateTime}), 3, tz)) AS period_end_ms,
    -- funnel_steps as they are now, hashed as the snapshot's steps_hash was
    (SELECT steps_hash FROM clickstream.funnel_steps_hash) AS current_steps
SELECT
    max(s.generation) AS generation,
    argMax(s.loaded_before, s.generation) AS loaded_before
FROM clickstream.funnel_snapshots AS s
WHERE site_id = {site:String}
  AND window_seconds = {window_seconds:UInt32}
  AND steps_hash = current_steps
  AND period_start_ms % 900000 = 0 AND period_end_ms % 900000 = 0
HAVING count() > 0;
