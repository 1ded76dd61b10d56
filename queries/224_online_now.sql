-- online_now: online_visitors at this moment (for dashboards that refresh).
-- Answers: how many visitors are on the site now (active in the last 5 minutes), and how many of
-- them are registered? The same as online_visitors with as_of = now on the shop's clock.
-- Parameters: site String
-- Columns: online_visitors, online_registered_visitors (see online_visitors)
CREATE OR REPLACE VIEW clickstream.online_now AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz
SELECT online_visitors, online_registered_visitors
FROM clickstream.online_visitors(site = {site:String}, as_of = toString(now(tz)));
