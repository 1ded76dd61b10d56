-- funnel_steps_hash: a fingerprint of funnel_steps, the one definition of it.
-- Answers: "were these funnel chains computed with the steps in force now?" A funnel snapshot
-- records it when taken; funnel_snapshot uses a snapshot only while it still matches, and the
-- refresh takes a new one when it does not.
-- Columns:
--   steps_hash  UInt64: cityHash64 of every step's (step, event_types, or_user_id), in step order
CREATE OR REPLACE VIEW clickstream.funnel_steps_hash AS
SELECT cityHash64(arraySort(groupArray((step, event_types, or_user_id)))) AS steps_hash
FROM clickstream.funnel_steps;
