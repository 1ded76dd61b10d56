-- funnel_step_types: funnel_steps turned around, for the funnel views to test events with.
-- Answers: "which funnel steps does an event of this type satisfy?"
-- Columns:
--   type  an event type named in funnel_steps
--   mask  bit k-1 set: the type satisfies step k (UInt64)
CREATE OR REPLACE VIEW clickstream.funnel_step_types AS
SELECT arrayJoin(event_types) AS type, groupBitOr(bitShiftLeft(toUInt64(1), toUInt8(step - 1))) AS mask
FROM clickstream.funnel_steps
GROUP BY type
ORDER BY type;
