-- funnel_chains: each visitor's best chain through the funnel steps: the base of every ordered
-- funnel view (SPEC section 8).
-- Answers: for every person with a step-1 event (a page view) in [date_from, date_to) (site time
-- zone), how far did they get, in order, within window_seconds of the event that started the
-- chain, and when did they reach each step? Of all step-1 events in the period, the one whose
-- chain is longest starts the visitor's chain (the earliest among equals). The rules of a chain
-- are in funnel_start_chains.
--
-- Where the chains come from, for speed (see BENCHMARKS.md): when a funnel snapshot fits the
-- query (funnel_snapshot: same window and steps, period bounds on a quarter hour), each
-- person's best chain is the best of their snapshot buckets inside the period, and only the
-- persons with events loaded since the snapshot (funnel_changed_persons) are computed from raw
-- events; otherwise every chain is computed from raw events. Both give the same answer.
--
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds UInt32
-- Columns:
--   person        person key (see person_events)
--   level         steps reached, 1..6
--   step_ms       epoch milliseconds of each step reached (length = level)
--   start_ms      epoch milliseconds of step 1 (step_ms[1])
--   gaps_ms       milliseconds from each step to the next, steps 2..6 (length 5, 0 beyond the
--                 level): what the funnel's step times read, without rebuilding step_ms
--   session_hash  the starting event's session: cityHash64(session_id) modulo 2^57 (that of ''
--                 for a start without a session_id)
CREATE OR REPLACE VIEW clickstream.funnel_chains AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toUInt64(toUnixTimestamp64Milli(toDateTime64(toString({date_from:DateTime}), 3, tz)))
        AS period_start_ms,
    toUInt64(toUnixTimestamp64Milli(toDateTime64(toString({date_to:DateTime}), 3, tz)))
        AS period_end_ms,
    -- a snapshot rank's low 48 bits: 2^48 - 1 - start ms
    toUInt64(bitShiftLeft(toUInt64(1), 48) - 1) AS start_bits,
    -- the same scalar in every funnel view: computed once per query (NULL: no snapshot fits)
    (SELECT (generation, loaded_before) FROM clickstream.funnel_snapshot(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
        window_seconds = {window_seconds:UInt32})) AS snapshot,
    ifNull(snapshot.1, 0) AS snapshot_generation,
    -- a scalar: computed once per query (funnel_start_chains names the same one)
    (SELECT (persons, anonymous_ids) FROM clickstream.funnel_changed_persons(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
        window_seconds = {window_seconds:UInt32})) AS changed
SELECT person, level, step_ms, start_ms, gaps_ms, session_hash
FROM
(
    SELECT
        person,
        -- the best chain started in the period (each bucket lies wholly inside or outside it)
        arrayMax(arrayFilter(r -> bitAnd(r, start_bits) <= start_bits - period_start_ms
                                  AND bitAnd(r, start_bits) > start_bits - period_end_ms,
                             ranks)) AS best_rank,
        indexOf(ranks, best_rank) AS best,
        toUInt8(bitShiftRight(best_rank, 48)) AS level,
        toUInt64(start_bits - bitAnd(best_rank, start_bits)) AS start_ms,
        arrayMap(g -> toUInt64(g), step_gaps[best]) AS gaps_ms,
        arraySlice(arrayCumSum(arrayConcat([start_ms], gaps_ms)), 1, level) AS step_ms,
        session_hashes[best] AS session_hash
    FROM clickstream.funnel_snapshot_chains
    WHERE site_id = {site:String} AND generation = snapshot_generation
      AND person NOT IN (SELECT arrayJoin(changed.1))
)
WHERE best_rank != 0
UNION ALL
SELECT
    person,
    toUInt8(levels[best]) AS level,
    arraySlice([chains[best].2, chains[best].3, chains[best].4, chains[best].5, chains[best].6,
                chains[best].7], 1, level) AS step_ms,
    chains[best].2 AS start_ms,
    arrayMap((k, t, previous) -> toUInt64(if(level >= k, t - previous, 0)), [2, 3, 4, 5, 6],
             [chains[best].3, chains[best].4, chains[best].5, chains[best].6, chains[best].7],
             [chains[best].2, chains[best].3, chains[best].4, chains[best].5, chains[best].6])
        AS gaps_ms,
    chains[best].8 AS session_hash
FROM clickstream.funnel_start_chains(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
    window_seconds = {window_seconds:UInt32}, scope = 'auto')
-- the people with a chain, by ARRAY JOIN, not WHERE: ClickHouse merges a WHERE here into the
-- chain expressions, and a query reading only `person` (count()) then took 8 times as long
ARRAY JOIN if(empty(chains), [], [indexOf(ranks, arrayMax(ranks))]) AS best;
