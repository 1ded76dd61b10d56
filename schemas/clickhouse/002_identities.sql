-- The identity map: which anonymous visitor ids belong to which user. Fed by the loader from
-- identify/register/login events and from any event carrying both ids. One row per pair; the
-- earliest time the pair was seen survives merges (SimpleAggregateFunction(min)).
-- The person a view counts is the user an anonymous id was first linked to.
CREATE TABLE IF NOT EXISTS clickstream.identities
(
    site_id      LowCardinality(String),
    anonymous_id String,
    user_id      String,
    linked_at    SimpleAggregateFunction(min, DateTime64(3, 'UTC')) COMMENT 'event time of the first link'
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, anonymous_id, user_id);
