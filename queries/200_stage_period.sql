-- stage_period: a period of the shop's calendar as epoch milliseconds (the customer-stage views'
-- way of reading their date parameters).
-- Answers: "which instants do date_from and date_to mean for this shop, and what was the period
-- before?" Both are read in the site's time zone (UTC unless set with `clickstream site set SITE
-- --time-zone ZONE`). The previous period has the same length on the shop's wall clock and ends
-- where this one starts (March 2026 -> [2026-01-29, 2026-03-01)), so a daylight-saving change
-- does not shift it. An instant parameter such as as_of is read with date_from = date_to = as_of.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   time_zone         IANA zone the dates are read in
--   from_ms, to_ms    the period [from_ms, to_ms), epoch milliseconds (UInt64)
--   previous_from_ms  start of the previous period [previous_from_ms, from_ms), epoch milliseconds
CREATE OR REPLACE VIEW clickstream.stage_period AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    -- the parameters as wall-clock text, and as UTC instants only to subtract wall-clock lengths
    toDateTime(toString({date_from:DateTime}), 'UTC') AS wall_from,
    toDateTime(toString({date_to:DateTime}), 'UTC') AS wall_to,
    wall_from - (wall_to - wall_from) AS wall_previous_from
SELECT
    assumeNotNull(tz) AS time_zone,
    assumeNotNull(toUInt64(toUnixTimestamp64Milli(toDateTime64(toString(wall_from), 3, tz))))
        AS from_ms,
    assumeNotNull(toUInt64(toUnixTimestamp64Milli(toDateTime64(toString(wall_to), 3, tz))))
        AS to_ms,
    assumeNotNull(toUInt64(toUnixTimestamp64Milli(
        toDateTime64(toString(wall_previous_from), 3, tz)))) AS previous_from_ms;
