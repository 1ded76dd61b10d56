-- The chains of one site's funnel snapshot (migration 013): for every person, per 15-minute
-- bucket (UTC) holding chain starts, the best chain started in it (longest, earliest start among
-- equals), computed by funnel_start_chains over all stored events for one conversion window.
-- Parameters: site String, generation UInt64, window_seconds UInt32 (at most 49 days: the step
-- gaps are UInt32 milliseconds)
INSERT INTO clickstream.funnel_snapshot_chains
WITH toUInt64(bitShiftLeft(toUInt64(1), 48) - 1) AS start_bits
SELECT
    {site:String} AS site_id,
    {generation:UInt64} AS generation,
    person,
    arrayMap(c -> bitOr(bitShiftLeft(toUInt64(c.1), 48), start_bits - c.2.2), best) AS ranks,
    arrayMap(c -> arrayMap((k, t, previous) -> toUInt32(if(k <= c.1, t - previous, 0)),
                           [2, 3, 4, 5, 6], [c.2.3, c.2.4, c.2.5, c.2.6, c.2.7],
                           [c.2.2, c.2.3, c.2.4, c.2.5, c.2.6]),
             best) AS step_gaps,
    arrayMap(c -> c.2.8, best) AS session_hashes
FROM
(
    SELECT
        person,
        -- starts from the best chain down; the first of each bucket is its best
        arrayReverseSort(i -> ranks[i], arrayEnumerate(ranks)) AS by_rank,
        arraySort(c -> c.2.2,
                  arrayFilter((c, first) -> first = 1,
                              arrayMap(i -> (levels[i], chains[i]), by_rank),
                              arrayEnumerateUniq(arrayMap(i -> intDiv(chains[i].2, 900000),
                                                          by_rank)))) AS best
    FROM clickstream.funnel_start_chains(
        site = {site:String}, date_from = '2000-01-01 00:00:00', date_to = '2100-01-01 00:00:00',
        window_seconds = {window_seconds:UInt32}, scope = 'all')
);
