-- Funnel snapshots: each person's best funnel chains, computed ahead of the query, so the funnel
-- views read about one row per person instead of every event of the period (SPEC section 8:
-- "the funnel over raw events must still be fast"; 10 M events took 3.7 s raw).
--
-- `clickstream funnel-snapshot` (and the worker, on a timer) computes, for every site, each
-- person's chain from every page view with the rules of funnel_start_chains, for one conversion
-- window, and keeps per person and 15-minute bucket (UTC) of chain starts the best chain started
-- in it. The best chain of any period made of whole buckets (every period whose bounds fall on
-- a quarter hour in the site's time zone: all days, weeks and months) is the best of its
-- buckets' best chains, because a chain depends only on the events after its start.
--
-- A snapshot is a generation: its rows first, then its row in funnel_snapshots, which makes it
-- visible. The views read the latest generation of a site whose window and funnel steps match
-- the query, and compute from raw events the persons with events loaded since it was taken
-- (funnel_changed_persons), so answers stay exact between snapshots. Old generations are
-- dropped by partition.
CREATE TABLE IF NOT EXISTS clickstream.funnel_snapshot_chains
(
    site_id        LowCardinality(String),
    generation     UInt64 COMMENT 'the snapshot: epoch milliseconds when it was started',
    person         String COMMENT 'person key, as in person_events',
    ranks          Array(UInt64) COMMENT 'per bucket with a chain start, in time order, its best chain: level << 48 | (2^48 - 1 - start epoch ms); the greatest rank is the longest chain, earliest start among equals',
    step_gaps      Array(Array(UInt32)) COMMENT 'per bucket: milliseconds from each step to the next, steps 2..6 (0 beyond the level)',
    session_hashes Array(UInt64) COMMENT 'per bucket: the starting event''s session hash (funnel_chains session_hash)'
)
ENGINE = MergeTree
PARTITION BY generation
ORDER BY (site_id, person);

CREATE TABLE IF NOT EXISTS clickstream.funnel_snapshots
(
    site_id        LowCardinality(String),
    generation     UInt64 COMMENT 'epoch milliseconds when the snapshot was started',
    window_seconds UInt32 COMMENT 'the conversion window its chains were computed with',
    steps_hash     UInt64 COMMENT 'funnel_steps when it was computed (funnel_snapshot compares it)',
    loaded_before  DateTime64(3, 'UTC') COMMENT 'it holds every event loaded before this time (events.loaded_at); persons with later events are computed raw',
    persons        UInt64 COMMENT 'rows written',
    built_seconds  Float64 COMMENT 'how long computing it took'
)
ENGINE = MergeTree
ORDER BY (site_id, generation);
