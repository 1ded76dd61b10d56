-- funnel_events: the event rows the funnel views read, each with the funnel steps it satisfies.
-- Answers: "which of a site's events in this period count for which funnel step?" The steps
-- come from funnel_steps (bit k-1 of step_bits set: the event satisfies step k); events that
-- satisfy none are left out.
-- Rows are the stored rows, without FINAL: an event delivered twice is two rows until
-- ClickHouse merges them. Readers answer questions a copy cannot change (whether something
-- happened, distinct event ids) or drop copies by event_id themselves. Rows carry the visitor's
-- ids, not the person: readers group by (anonymous_id, user_id) first and resolve the person
-- once per group (see person_events for the rule), which is far cheaper than once per row.
-- Parameters: site String, date_from DateTime, date_to DateTime (both in the site's time zone),
-- extra_seconds UInt32 (rows up to date_to + extra_seconds: a conversion window)
-- Columns:
--   anonymous_id, user_id, session_id, event_id   as stored
--   ts_ms       event time, epoch milliseconds
--   step_bits   UInt64, bit k-1 set: the event satisfies step k of funnel_steps
--   in_period   1 when the event lies before date_to (not in the extra seconds)
--   chain_key   UInt256 for funnel_chains, whose numeric order is event order and which carries
--               what the chains need: ts_ms (bits 192-255), event_id (bits 64-191; its numeric
--               order is its text order), step_bits (bits 0-5), in_period (bit 6) and, for a
--               step-1 or step-2 event, bits 7-63 of cityHash64(session_id) (bits 7-63)
CREATE OR REPLACE VIEW clickstream.funnel_events AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toDateTime64(toString({date_from:DateTime}), 3, tz) AS period_start,
    toDateTime64(toString({date_to:DateTime}), 3, tz) AS period_end,
    -- the same scalar in every funnel view: computed once per query
    assumeNotNull((SELECT (types, masks, user_id_mask, step_names)
                   FROM clickstream.funnel_step_masks)) AS step_set,
    step_set.1 AS step_types,
    step_set.2 AS step_masks,
    step_set.3 AS user_id_mask
SELECT
    anonymous_id, user_id, session_id, event_id,
    toUInt64(toUnixTimestamp64Milli(ts)) AS ts_ms,
    bitOr(step_masks[indexOf(step_types, type)], if(user_id != '', user_id_mask, 0))
        AS step_bits,
    ts < period_end AS in_period,
    bitOr(bitOr(bitShiftLeft(toUInt256(ts_ms), 192),
                bitShiftLeft(toUInt256(toUInt128(event_id)), 64)),
          toUInt256(bitOr(bitOr(step_bits, bitShiftLeft(toUInt64(in_period), 6)),
                          if(bitAnd(step_bits, 3) != 0,
                             bitShiftLeft(cityHash64(session_id), 7), 0)))) AS chain_key
FROM clickstream.events
WHERE site_id = {site:String}
  AND ts >= period_start AND ts < period_end + toIntervalSecond({extra_seconds:UInt32})
  AND step_bits != 0;
