-- funnel_step_masks: funnel_steps compiled into one row for the funnel views to test events with.
-- Answers: "which funnel steps does an event of this type satisfy?" Bit k-1 of a mask set: step
-- k is satisfied. The arrays are sorted, so every reader sees them in the same order.
-- Columns:
--   step_names    the step names, step 1 first
--   types         the event types named in funnel_steps, sorted
--   masks         the steps each of `types` satisfies (UInt64 bit masks, in the same order)
--   user_id_mask  the steps that any event carrying a user_id satisfies
CREATE OR REPLACE VIEW clickstream.funnel_step_masks AS
SELECT
    s.step_names AS step_names,
    arrayMap(p -> p.1, t.pairs) AS types,
    arrayMap(p -> p.2, t.pairs) AS masks,
    s.user_id_mask AS user_id_mask
FROM
(
    SELECT
        arrayMap(x -> x.2, arraySort(groupArray((step, step_name)))) AS step_names,
        toUInt64(groupBitOr(bitShiftLeft(toUInt64(or_user_id), toUInt8(step - 1))))
            AS user_id_mask
    FROM clickstream.funnel_steps
) AS s
CROSS JOIN
(
    SELECT arraySort(groupArray((type, mask))) AS pairs
    FROM
    (
        SELECT
            arrayJoin(event_types) AS type,
            toUInt64(groupBitOr(bitShiftLeft(toUInt64(1), toUInt8(step - 1)))) AS mask
        FROM clickstream.funnel_steps
        GROUP BY type
    )
) AS t;
