-- funnel_stage_reached: how many visitors did each funnel step's action at all, in any order.
-- Answers: "how many visitors favorited, carted, identified, ordered in the period?" next to the
-- ordered funnel, which counts only what followed a visit in order within a window. A person
-- reached a step when they had an event satisfying it (funnel_steps) in [date_from, date_to)
-- (site time zone); step 2 (engaged) when one of their sessions in the period had a step-1
-- event and another, distinct step-2 event (by default: two distinct page views of one
-- session). Order does not matter here, and resent events change nothing (a copy has the same
-- event_id).
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   step             1..6
--   step_name        as in funnel_steps
--   visitors         persons who reached the step in the period
--   active_visitors  persons with an event of any step in the period (the same on every row)
--   share            visitors / active_visitors, 0..1 (0 when nobody was active)
CREATE OR REPLACE VIEW clickstream.funnel_stage_reached AS
WITH
    (SELECT groupArray(step_name) FROM clickstream.funnel_steps) AS step_names,
    sessions AS
    (
        SELECT
            person,
            groupBitOr(step_bits) AS bits,
            -- a step-1 event and a step-2 event, two distinct event ids
            countIf(bitTest(step_bits, 0)) > 0 AND countIf(bitTest(step_bits, 1)) > 0
            AND minIf(event_id, bitAnd(step_bits, 3) != 0)
                != maxIf(event_id, bitAnd(step_bits, 3) != 0) AS second
        FROM clickstream.funnel_events(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
            extra_seconds = 0)
        GROUP BY person, session_id
    ),
    people AS
    (
        SELECT person, groupBitOr(bitOr(bitAnd(bits, bitNot(toUInt64(2))), if(second, 2, 0))) AS bits
        FROM sessions
        GROUP BY person
    ),
    totals AS
    (
        SELECT
            count() AS active,
            [countIf(bitTest(bits, 0)), countIf(bitTest(bits, 1)), countIf(bitTest(bits, 2)),
             countIf(bitTest(bits, 3)), countIf(bitTest(bits, 4)), countIf(bitTest(bits, 5))]
                AS reached
        FROM people
    )
SELECT
    toUInt8(step) AS step,
    step_names[step] AS step_name,
    toUInt64(reached[step]) AS visitors,
    toUInt64(active) AS active_visitors,
    toFloat64(if(active = 0, 0, visitors / active)) AS share
FROM totals
ARRAY JOIN [1, 2, 3, 4, 5, 6] AS step
ORDER BY step;
