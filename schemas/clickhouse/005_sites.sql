-- Per-site settings the views need: the shop's time zone (periods, days, weeks and months are
-- the shop's local ones; UTC when the site has no row). Written by `clickstream site set`.
-- The latest row per site wins (ReplacingMergeTree by updated_at; readers take argMax, so they
-- never wait for a merge).
CREATE TABLE IF NOT EXISTS clickstream.sites
(
    site_id    String,
    time_zone  String COMMENT 'IANA time zone name, e.g. Asia/Shanghai',
    currency   LowCardinality(String) COMMENT 'ISO 4217 currency the shop reports in; informative',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY site_id;
