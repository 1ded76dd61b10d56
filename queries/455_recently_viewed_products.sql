-- recently_viewed_products: the products a visitor looked at last, newest first.
-- Answers: what did this visitor view recently (to show "recently viewed" when they come back)?
-- The visitor is a person, so products viewed on any of their linked devices count.
-- Parameters: site String,
--             visitor String: a person key ('u:<user_id>' or 'a:<anonymous_id>', see
--                     person_events) or a bare anonymous id (the cookie), resolved to its person
--             limit UInt32: at most this many products
-- Columns:
--   product_id
--   category        as named by the last view
--   last_viewed_at  the visitor's last view of it, site time zone
--   views           the visitor's page views of it
CREATE OR REPLACE VIEW clickstream.recently_viewed_products AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    (SELECT any(user_id) FROM clickstream.identity_map
     WHERE site_id = {site:String} AND anonymous_id = {visitor:String}) AS linked_user,
    multiIf(startsWith({visitor:String}, 'u:') OR startsWith({visitor:String}, 'a:'),
            {visitor:String},
            linked_user != '', concat('u:', linked_user),
            concat('a:', {visitor:String})) AS target,
    if(startsWith(target, 'u:'), substring(target, 3), '') AS target_user
SELECT
    product_id,
    argMax(category, (ts_ms, toString(event_id))) AS category,
    toTimeZone(max(ts), tz) AS last_viewed_at,
    count() AS views
FROM clickstream.person_events
WHERE site_id = {site:String}
  -- narrow the scan to the person's devices before the person key is computed
  AND (anonymous_id = substring(target, 3)
       OR (target_user != '' AND (user_id = target_user OR anonymous_id IN (
           SELECT anonymous_id FROM clickstream.identity_map
           WHERE site_id = {site:String} AND user_id = target_user))))
  AND person = target
  AND type = 'page_view' AND product_id != ''
GROUP BY product_id
ORDER BY last_viewed_at DESC, product_id
LIMIT {limit:UInt32};
