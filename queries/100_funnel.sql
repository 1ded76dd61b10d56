-- funnel: where visitors drop out between first click and order (SPEC section 8).
-- Answers: of the visitors who started a visit in [date_from, date_to) (site time zone), how many
-- reached each step, in order, within window_seconds of that first step, and how long each step
-- took? Every step is listed, also when nobody reached it.
--
-- The steps (which events satisfy them) are defined in one place, funnel_steps; the order rules
-- and the chain each visitor is counted by are in funnel_chains. The answer equals
-- funnel_breakdown's dimension 'all'; this view reads funnel_chains directly, because analysing
-- the query is most of the funnel's time once chains come from a snapshot, and the breakdown's
-- dimensions would add to it (see BENCHMARKS.md). Default steps:
--   1 visit       a page_view                        (the chain starts here, inside the period)
--   2 engaged     a second, distinct page_view in the same session (its absence is the bounce)
--   3 interest    a favorite or add_to_cart
--   4 cart        an add_to_cart
--   5 identified  a register or login, or any event carrying a user_id
--   6 order       an order
-- Each step happens at or after the previous one (event time, then event_id as text); one event may
-- satisfy consecutive steps (an add_to_cart is interest and cart; an order by a logged-in
-- visitor is identified and order), except that engaged needs another page view. A visitor is
-- counted from the first page_view that starts their longest chain. Later steps may fall after
-- date_to, within the window. Events are deduplicated by event_id; visitors are persons.
--
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds UInt32
-- Columns:
--   step                          1..6
--   step_name                     visit, engaged, interest, cart, identified, order
--   visitors                      persons who reached the step
--   conversion_from_previous      visitors / visitors of the previous step (1 for step 1), 0..1
--   conversion_from_first         visitors / visitors of step 1, 0..1
--   drop_off                      visitors of the previous step who did not reach this one
--   drop_off_rate                 drop_off / visitors of the previous step, 0..1
--   median_seconds_from_previous  median seconds from the previous step (NULL for step 1)
--   p90_seconds_from_previous     90th percentile of the same (NULL for step 1)
-- Quantiles interpolate linearly between ranks (quantileExactInclusive), rounded to milliseconds.
CREATE OR REPLACE VIEW clickstream.funnel AS
WITH
    -- the same scalar in every funnel view: computed once per query
    assumeNotNull((SELECT (types, masks, user_id_mask, step_names)
                   FROM clickstream.funnel_step_masks)).4 AS step_names,
    totals AS
    (
        SELECT
            [count(), countIf(level >= 2), countIf(level >= 3), countIf(level >= 4),
             countIf(level >= 5), countIf(level >= 6)] AS reached,
            [quantileExactInclusiveIf(0.5)(gaps_ms[1] / 1000, level >= 2),
             quantileExactInclusiveIf(0.5)(gaps_ms[2] / 1000, level >= 3),
             quantileExactInclusiveIf(0.5)(gaps_ms[3] / 1000, level >= 4),
             quantileExactInclusiveIf(0.5)(gaps_ms[4] / 1000, level >= 5),
             quantileExactInclusiveIf(0.5)(gaps_ms[5] / 1000, level >= 6)] AS medians,
            [quantileExactInclusiveIf(0.9)(gaps_ms[1] / 1000, level >= 2),
             quantileExactInclusiveIf(0.9)(gaps_ms[2] / 1000, level >= 3),
             quantileExactInclusiveIf(0.9)(gaps_ms[3] / 1000, level >= 4),
             quantileExactInclusiveIf(0.9)(gaps_ms[4] / 1000, level >= 5),
             quantileExactInclusiveIf(0.9)(gaps_ms[5] / 1000, level >= 6)] AS p90s
        -- step times in seconds, from the milliseconds between steps
        FROM clickstream.funnel_chains(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
            window_seconds = {window_seconds:UInt32})
    )
SELECT
    toUInt8(step) AS step,
    step_names[step] AS step_name,
    toUInt64(reached[step]) AS visitors,
    toFloat64(if(step = 1, if(visitors > 0, 1, 0), if(reached[step - 1] = 0, 0,
        visitors / reached[step - 1]))) AS conversion_from_previous,
    toFloat64(if(reached[1] = 0, 0, visitors / reached[1])) AS conversion_from_first,
    toUInt64(if(step = 1, 0, reached[step - 1] - visitors)) AS drop_off,
    toFloat64(if(step = 1 OR reached[step - 1] = 0, 0, drop_off / reached[step - 1]))
        AS drop_off_rate,
    if(step = 1 OR visitors = 0, NULL, round(medians[step - 1], 3))
        AS median_seconds_from_previous,
    if(step = 1 OR visitors = 0, NULL, round(p90s[step - 1], 3)) AS p90_seconds_from_previous
FROM totals
ARRAY JOIN [1, 2, 3, 4, 5, 6] AS step
ORDER BY step;
