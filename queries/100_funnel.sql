-- funnel: where visitors drop out between first click and order (SPEC section 8).
-- Answers: of the visitors who started a visit in [date_from, date_to) (site time zone), how many
-- reached each step, in order, within window_seconds of that first step, and how long each step
-- took? Every step is listed, also when nobody reached it.
--
-- The steps (which events satisfy them) are defined in one place, funnel_steps; the order rules
-- and the chain each visitor is counted by are in funnel_chains; the per-step arithmetic in
-- funnel_breakdown, of which this is the dimension 'all' (those files come after this one;
-- parameterized views are resolved when queried). Default steps:
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
SELECT
    s.step AS step,
    s.step_name AS step_name,
    f.visitors AS visitors,
    f.conversion_from_previous AS conversion_from_previous,
    f.conversion_from_first AS conversion_from_first,
    f.drop_off AS drop_off,
    f.drop_off_rate AS drop_off_rate,
    f.median_seconds_from_previous AS median_seconds_from_previous,
    f.p90_seconds_from_previous AS p90_seconds_from_previous
FROM clickstream.funnel_steps AS s
LEFT JOIN clickstream.funnel_breakdown(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
    window_seconds = {window_seconds:UInt32}, dimension = 'all') AS f ON f.step = s.step
ORDER BY step
SETTINGS join_use_nulls = 0;
