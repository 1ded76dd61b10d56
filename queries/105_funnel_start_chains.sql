-- funnel_start_chains: the funnel chain from every start of every visitor: the base of
-- funnel_chains and of the funnel snapshots (SPEC section 8).
-- Answers: for every person with a step-1 event (a page view) in [date_from, date_to) (site time
-- zone), how far does the chain started by each of those page views get, in order, within
-- window_seconds of it, and when did it reach each step?
--
-- The steps and the events that satisfy them are in funnel_steps. The order rules are here:
-- events are ordered by time, then event_id as text. Each step is the first event at or after
-- the previous step that satisfies it, within window_seconds of the chain's start; step 2 must
-- belong to the start's session and come strictly after it (a second, distinct page view), and
-- step 3 strictly after step 2. Page views without a session_id are sessioned by time, as in
-- `visits`: a person's such page views in order, a new session once 30 minutes have passed
-- since the previous one. So one event may satisfy consecutive steps 3-6 (an add_to_cart is
-- interest and cart; an order by a logged-in visitor is identified and order). Later steps may
-- fall after date_to. A resent event (the same event_id delivered again) counts once, at its
-- earliest time. A chain depends only on the events in its window after its start.
--
-- How, for speed (see BENCHMARKS.md): no FINAL; each person's events are collected into one
-- array, sorted and deduplicated by event_id there. Steps are then found for every start at
-- once: next_<step>[i] holds the times of <step> and the steps after it, searched from position i
-- on, built right to left; the start's session is compared by a 57-bit hash of session_id.
--
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds
-- UInt32, scope String: 'all' every person; 'auto' when a funnel snapshot fits the query (see
-- funnel_snapshot) only the persons it lacks (funnel_changed_persons), otherwise every person
-- Columns (one row per person with a start):
--   person  person key (see person_events)
--   chains  per start, in time order: (position, step times 1..6 in epoch ms, 2^64-1 for a step
--           not found, start's session hash, 1); steps past the window are still listed
--   levels  per start: steps reached within the window, 1..6
--   ranks   per start: level << 32 | (2^32 - 1 - position): the greatest is the longest chain,
--           the earliest start among equals
CREATE OR REPLACE VIEW clickstream.funnel_start_chains AS
WITH
    toUInt64({window_seconds:UInt32}) * 1000 AS window_ms,
    toUInt64(-1) AS never,
    1800000 AS session_timeout_ms,
    toUInt64(bitShiftLeft(toUInt64(1), 57) - 1) AS hash_bits,
    bitAnd(cityHash64(''), hash_bits) AS sessionless,
    -- the same scalar in every funnel view: computed once per query (NULL: no snapshot fits)
    (SELECT (generation, loaded_before) FROM clickstream.funnel_snapshot(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
        window_seconds = {window_seconds:UInt32})) AS snapshot,
    {scope:String} = 'auto' AND snapshot IS NOT NULL AS only_changed,
    -- a scalar: computed once per query (funnel_chains names the same one)
    (SELECT (persons, anonymous_ids) FROM clickstream.funnel_changed_persons(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
        window_seconds = {window_seconds:UInt32})) AS changed,
    groups AS
    (
        -- per visitor ids: their events (as chain keys, see funnel_events)
        SELECT
            anonymous_id, user_id,
            groupArray(chain_key) AS group_events,
            max(bitTest(step_bits, 0) AND in_period) AS has_start
        FROM clickstream.funnel_events(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
            extra_seconds = {window_seconds:UInt32})
        -- by the primary key: every row of a changed person has one of these anonymous ids
        WHERE NOT only_changed OR anonymous_id IN (SELECT arrayJoin(changed.2))
        GROUP BY anonymous_id, user_id
    ),
    ordered AS
    (
        -- one person's events in (time, event_id) order, each event once (its earliest copy)
        SELECT
            person,
            arrayFilter((x, k) -> k = 1, delivered, arrayEnumerateUniq(arrayMap(
                x -> toUInt128(bitAnd(bitShiftRight(x, 64), toUInt256(toUInt128(-1)))),
                delivered))) AS events,
            arrayMap(x -> toUInt64(bitShiftRight(x, 192)), events) AS times,
            arrayMap(x -> toUInt64(bitAnd(x, toUInt256(toUInt64(-1)))), events) AS flags,
            -- step-1/2 events without a session_id are sessioned by time: a new session once 30
            -- minutes have passed since the previous such event (as `visits` does)
            arrayMap(f -> bitAnd(f, 3) != 0 AND bitShiftRight(f, 7) = sessionless, flags) AS bare,
            arrayPopBack(arrayPushFront(arrayFill((t, b) -> b,
                                                  arrayMap((t, b) -> if(b, t, 0), times, bare),
                                                  bare), 0)) AS previous_bare_ms,
            arrayCumSum(arrayMap((t, b, p) -> b AND (p = 0 OR t - p >= session_timeout_ms),
                                 times, bare, previous_bare_ms)) AS bare_run,
            -- each event's session for step 2: its session_id's hash, or its time session's
            arrayMap((f, b, r) -> if(b,
                                     toUInt64(bitAnd(cityHash64('sessionless', r), hash_bits)),
                                     bitShiftRight(f, 7)),
                     flags, bare, bare_run) AS sessions
        FROM
        (
            SELECT
                if(g.user_id != '', concat('u:', g.user_id),
                   if(m.user_id != '', concat('u:', m.user_id), concat('a:', g.anonymous_id)))
                    AS person,
                arraySort(groupArrayArray(group_events)) AS delivered
            FROM groups AS g
            LEFT JOIN (SELECT anonymous_id, user_id FROM clickstream.identity_map
                       WHERE site_id = {site:String}) AS m ON m.anonymous_id = g.anonymous_id
            GROUP BY person
            HAVING max(has_start)
               AND (NOT only_changed OR person IN (SELECT arrayJoin(changed.1)))
            SETTINGS join_use_nulls = 0
        )
    ),
    with_6 AS
    (
        SELECT
            person, times, flags, sessions,
            arrayReverseFill(x -> x != never, arrayMap((t, f) -> if(bitTest(f, 5), t, never),
                                                       times, flags)) AS next_6
        FROM ordered
    ),
    with_5 AS
    (
        SELECT
            person, times, flags, sessions,
            arrayReverseFill(x -> x.1 != never, arrayMap(
                (t, f, n) -> if(bitTest(f, 4), (t, n), (never, never)),
                times, flags, next_6)) AS next_5
        FROM with_6
    ),
    with_4 AS
    (
        SELECT
            person, times, flags, sessions,
            arrayReverseFill(x -> x.1 != never, arrayMap(
                (t, f, n) -> if(bitTest(f, 3), (t, n.1, n.2), (never, never, never)),
                times, flags, next_5)) AS next_4
        FROM with_5
    ),
    with_3 AS
    (
        SELECT
            person, times, flags, sessions,
            arrayReverseFill(x -> x.1 != never, arrayMap(
                (t, f, n) -> if(bitTest(f, 2), (t, n.1, n.2, n.3), (never, never, never, never)),
                times, flags, next_4)) AS next_3
        FROM with_4
    ),
    by_session AS
    (
        -- step-1 and step-2 events as (session, position, flags, time, steps 3-6 searched from
        -- just after it), sorted by session then position (a numeric key: session << 32 |
        -- position; the other events sort last and are dropped)
        SELECT
            person,
            arrayFilter(e -> bitAnd(e.3, 3) != 0, arraySort(
                (e, k) -> k,
                arrayMap((f, s, i, t, n) -> (s, i, f, t, n),
                         flags, sessions, arrayEnumerate(flags), times,
                         arrayPopFront(arrayPushBack(next_3, (never, never, never, never)))),
                arrayMap((f, s, i) -> if(bitAnd(f, 3) != 0,
                                         bitOr(bitShiftLeft(toUInt128(s), 32), toUInt128(i)),
                                         toUInt128(-1)),
                         flags, sessions, arrayEnumerate(flags)))) AS session_events
        FROM with_3
    ),
    with_2 AS
    (
        -- next_2[k]: (session, time, steps 3-6) of the first step-2 event after element k
        SELECT
            person, session_events,
            arrayPopFront(arrayPushBack(arrayReverseFill(x -> x.2 != never, arrayMap(
                e -> if(bitTest(e.3, 1), (e.1, e.4, e.5), (0, never, (never, never, never, never))),
                session_events)), (0, never, (never, never, never, never)))) AS next_2
        FROM by_session
    ),
    starts AS
    (
        -- every step-1 event in the period starts a chain: (position, step times 1..6, session)
        SELECT
            person,
            arrayFilter(
                c -> c.9,
                arrayMap((e, n) -> if(n.1 = e.1 AND n.2 != never,
                                      (e.2, e.4, n.2, n.3.1, n.3.2, n.3.3, n.3.4,
                                       bitShiftRight(e.3, 7),
                                       bitTest(e.3, 0) AND bitTest(e.3, 6)),
                                      (e.2, e.4, never, never, never, never, never,
                                       bitShiftRight(e.3, 7),
                                       bitTest(e.3, 0) AND bitTest(e.3, 6))),
                         session_events, next_2)) AS chains,
            -- steps reached within the window, and the rank: longest chain, then earliest start
            arrayMap(c -> 1 + (c.3 <= c.2 + window_ms) + (c.4 <= c.2 + window_ms)
                          + (c.5 <= c.2 + window_ms) + (c.6 <= c.2 + window_ms)
                          + (c.7 <= c.2 + window_ms), chains) AS levels,
            arrayMap((c, l) -> bitOr(bitShiftLeft(toUInt64(l), 32), 4294967295 - c.1),
                     chains, levels) AS ranks
        FROM with_2
    )
SELECT person, chains, levels, ranks
FROM starts;
