-- engagement_event_types: which custom events count as shares, reviews and referrals (the one
-- place to change them).
-- Answers: "which event types does the engagement view count, under which kind?" Edit the list
-- below to map a shop's own event names (several names may share one kind; kinds are listed in
-- this order), then run `clickstream migrate`.
-- Columns:
--   position    order of the kind in reports (1 first)
--   kind        'share', 'review', 'refer' (分享量, 评论跟帖量, 推荐朋友量)
--   event_type  an event type counted under the kind
CREATE OR REPLACE VIEW clickstream.engagement_event_types AS
SELECT
    toUInt8(entry.1) AS position,
    entry.2 AS kind,
    entry.3 AS event_type
FROM
(
    SELECT arrayJoin([
        (1, 'share', 'share'),
        (2, 'review', 'review'),
        (3, 'refer', 'refer')
    ]) AS entry
);
