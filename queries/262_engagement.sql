-- engagement: shares, reviews and referrals (the relationship stage: 分享量, 发布主题或评论跟帖量,
-- 推荐朋友量).
-- Answers: how many share, review and referral events happened in the period, and from how many
-- visitors? The event types of each kind are set in engagement_event_types (by default the
-- custom events `share`, `review` and `refer`). Events count once per event_id; visitors are
-- persons.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time zone
-- Columns:
--   kind      'share', 'review', 'refer' (every kind is listed, in engagement_event_types order)
--   events    events of the kind in the period
--   visitors  persons with such an event
CREATE OR REPLACE VIEW clickstream.engagement AS
WITH
    (SELECT (from_ms, to_ms) FROM clickstream.stage_period(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}))
        AS period,
    counted AS
    (
        SELECT t.kind AS kind, count() AS own_events, uniqExact(e.person) AS own_visitors
        FROM clickstream.person_events AS e
        INNER JOIN clickstream.engagement_event_types AS t ON t.event_type = e.type
        WHERE e.site_id = {site:String} AND e.ts_ms >= period.1 AND e.ts_ms < period.2
        GROUP BY kind
    )
SELECT
    k.kind AS kind,
    toUInt64(c.own_events) AS events,
    toUInt64(c.own_visitors) AS visitors
FROM (SELECT kind, min(position) AS position FROM clickstream.engagement_event_types GROUP BY kind)
    AS k
LEFT JOIN counted AS c ON c.kind = k.kind
ORDER BY k.position, kind
SETTINGS join_use_nulls = 0;
