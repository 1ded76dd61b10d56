-- online_visitors: who is on the site at a given moment (在线人数, 注册在线人数).
-- Answers: how many visitors were active in the 5 minutes up to as_of, and how many of them are
-- registered? Active: any event in (as_of - 5 minutes, as_of]. Registered: a register, login or
-- identify event or an event carrying a user id, at or before as_of. Visitors are persons.
-- For the present moment use online_now(site = ...).
-- Parameters: site String, as_of DateTime (in the site time zone)
-- Columns:
--   online_visitors             persons active in the 5 minutes up to as_of
--   online_registered_visitors  of those, registered persons
CREATE OR REPLACE VIEW clickstream.online_visitors AS
WITH
    (SELECT from_ms FROM clickstream.stage_period(
        site = {site:String}, date_from = {as_of:DateTime}, date_to = {as_of:DateTime}))
        AS as_of_ms,
    300000 AS online_ms,
    people AS
    (
        SELECT
            person,
            countIf(ts_ms > as_of_ms - online_ms) > 0 AS online,
            countIf(type IN ('register', 'login', 'identify') OR user_id != '') > 0 AS is_member
        FROM clickstream.person_events
        WHERE site_id = {site:String} AND ts_ms <= as_of_ms
        GROUP BY person
    )
SELECT
    toUInt64(countIf(online)) AS online_visitors,
    toUInt64(countIf(online AND is_member)) AS online_registered_visitors
FROM people;
