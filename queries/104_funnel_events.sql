-- funnel_events: the event rows the funnel views read, each with the funnel steps it satisfies.
-- Answers: "which of a site's events in this period count for which funnel step?" The steps
-- come from funnel_steps (bit k-1 of step_bits set: the event satisfies step k); events that
-- satisfy none are left out. Rows are not deduplicated (see person_event_rows): readers drop a
-- resent event by its event_id where it matters.
-- Parameters: site String, date_from DateTime, date_to DateTime (both in the site's time zone),
-- extra_seconds UInt32 (rows up to date_to + extra_seconds: a conversion window)
-- Columns:
--   person      person key (see person_events)
--   ts_ms       event time, epoch milliseconds
--   event_id    UUID
--   session_id  session id
--   step_bits   UInt64, bit k-1 set: the event satisfies step k of funnel_steps
--   in_period   1 when the event lies before date_to (not in the extra seconds)
CREATE OR REPLACE VIEW clickstream.funnel_events AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    if(site_tz_raw = '', 'UTC', site_tz_raw) AS tz,
    toUInt64(toUnixTimestamp64Milli(toDateTime64(toString({date_from:DateTime}), 3, tz)))
        AS from_ms,
    toUInt64(toUnixTimestamp64Milli(toDateTime64(toString({date_to:DateTime}), 3, tz))) AS to_ms,
    (SELECT groupArray(type) FROM clickstream.funnel_step_types) AS step_types,
    (SELECT groupArray(mask) FROM clickstream.funnel_step_types) AS step_type_masks,
    ifNull((SELECT groupBitOr(bitShiftLeft(toUInt64(or_user_id), toUInt8(step - 1)))
            FROM clickstream.funnel_steps), 0) AS user_id_mask
SELECT
    person, ts_ms, event_id, session_id,
    bitOr(step_type_masks[indexOf(step_types, type)], if(user_id != '', user_id_mask, 0))
        AS step_bits,
    ts_ms < to_ms AS in_period
FROM clickstream.person_event_rows
WHERE site_id = {site:String}
  AND ts_ms >= from_ms AND ts_ms < to_ms + toUInt64({extra_seconds:UInt32}) * 1000
  AND step_bits != 0;
