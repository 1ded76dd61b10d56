-- campaign_acquisition_cost: what each new customer cost, per campaign (平均获得客户成本).
-- Answers: per UTM campaign, how much was spent in the period (from clickstream.campaign_costs,
-- loaded with `clickstream costs import`), how many visitors and new customers it brought (see
-- campaign_conversion, same window), and the cost per new customer. A day's cost counts when the
-- day (the shop's local date) starts in [date_from, date_to); the latest import of a day wins.
-- Campaigns with cost but no traffic, and with traffic but no cost loaded, are listed too. A
-- campaign whose costs come in two currencies is listed once per currency.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time
--   zone; window_seconds UInt32
-- Columns:
--   utm_source, utm_medium, utm_campaign   the campaign
--   cost                    spent in the period, in currency (Decimal); NULL when none loaded
--   currency                ISO 4217 of cost ('' when none loaded)
--   visitors                persons who landed from the campaign in the period
--   ordering_visitors       of those, persons who ordered within the window
--   new_customers           of those, persons whose first order ever came in the window
--   cost_per_new_customer   cost / new_customers, in currency, truncated to 4 decimals; NULL
--                           when no cost is loaded or there is no new customer
-- Rows: highest cost first, then by source, medium, campaign.
CREATE OR REPLACE VIEW clickstream.campaign_acquisition_cost AS
WITH
    toDateTime(toString({date_from:DateTime}), 'UTC') AS wall_from,
    toDateTime(toString({date_to:DateTime}), 'UTC') AS wall_to,
    daily AS
    (
        SELECT
            date, utm_source, utm_medium, utm_campaign,
            argMax(cost, imported_at) AS day_cost,
            argMax(currency, imported_at) AS day_currency
        FROM clickstream.campaign_costs
        WHERE site_id = {site:String}
          AND toDateTime(date, 'UTC') >= wall_from AND toDateTime(date, 'UTC') < wall_to
        GROUP BY date, utm_source, utm_medium, utm_campaign
    ),
    spent AS
    (
        SELECT
            utm_source, utm_medium, utm_campaign,
            toString(day_currency) AS currency,
            sum(day_cost) AS cost,
            1 AS loaded
        FROM daily
        GROUP BY utm_source, utm_medium, utm_campaign, currency
    ),
    traffic AS
    (
        SELECT utm_source, utm_medium, utm_campaign, visitors, ordering_visitors, new_customers
        FROM clickstream.campaign_conversion(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
            window_seconds = {window_seconds:UInt32})
    )
SELECT
    if(s.loaded = 1, s.utm_source, t.utm_source) AS utm_source,
    if(s.loaded = 1, s.utm_medium, t.utm_medium) AS utm_medium,
    if(s.loaded = 1, s.utm_campaign, t.utm_campaign) AS utm_campaign,
    if(s.loaded = 1, toNullable(toDecimal128(s.cost, 4)), NULL) AS cost,
    s.currency AS currency,
    toUInt64(t.visitors) AS visitors,
    toUInt64(t.ordering_visitors) AS ordering_visitors,
    toUInt64(t.new_customers) AS new_customers,
    if(cost IS NULL OR new_customers = 0, NULL, toDecimal128(cost / new_customers, 4))
        AS cost_per_new_customer
FROM spent AS s
FULL OUTER JOIN traffic AS t
    ON t.utm_source = s.utm_source AND t.utm_medium = s.utm_medium
   AND t.utm_campaign = s.utm_campaign
ORDER BY cost DESC NULLS LAST, utm_source, utm_medium, utm_campaign
SETTINGS join_use_nulls = 0;
