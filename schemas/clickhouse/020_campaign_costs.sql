-- What a shop spent on its campaigns, per day, for the cost per acquired customer
-- (campaign_acquisition_cost). Loaded with `clickstream costs import FILE.csv`.
-- A campaign is its (utm_source, utm_medium, utm_campaign), as on the landing URLs. `date` is the
-- shop's local day (the site time zone), as ad platforms report. Importing a day's cost of a
-- campaign again replaces it: ReplacingMergeTree keeps the latest import per key, and readers
-- take argMax(..., imported_at), so they never wait for a merge.
CREATE TABLE IF NOT EXISTS clickstream.campaign_costs
(
    site_id      LowCardinality(String),
    date         Date COMMENT 'the shop''s local day the money was spent',
    utm_source   String,
    utm_medium   String,
    utm_campaign String,
    cost         Decimal(18, 4) COMMENT 'amount spent that day, in currency',
    currency     LowCardinality(String) COMMENT 'ISO 4217',
    imported_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(imported_at)
ORDER BY (site_id, date, utm_source, utm_medium, utm_campaign);
