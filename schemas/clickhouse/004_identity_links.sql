-- Keep the identity map up to date inside ClickHouse: every event inserted with both an
-- anonymous id and a user id (identify, register, login, and any later event of a known
-- visitor) links the two. Done at insert time by ClickHouse, so the loader, imports and
-- backfills all feed it the same way.
CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.identity_links_mv
TO clickstream.identities
AS SELECT
    site_id,
    anonymous_id,
    user_id,
    ts AS linked_at
FROM clickstream.events
WHERE anonymous_id != '' AND user_id != '';
