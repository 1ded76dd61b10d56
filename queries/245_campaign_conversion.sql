-- campaign_conversion: does campaign traffic turn into orders (广告订单转化率)?
-- Answers: per UTM campaign, how many visits and visitors landed from it in the period, how many
-- of those visitors ordered within window_seconds after such a landing (the order may fall after
-- date_to), which orders and revenue that brought, and how many were new customers (their first
-- order ever came in that window)? A campaign is the (utm_source, utm_medium, utm_campaign) of a
-- visit's landing page (see `visits`); visits without utm_campaign are not listed. An order
-- counts for every campaign that brought its buyer within the window before it (no exclusive
-- attribution). Orders count once per order_id; visitors are persons.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time
--   zone; window_seconds UInt32
-- Columns:
--   utm_source, utm_medium, utm_campaign   the campaign
--   visits              visits that landed from it in the period
--   visitors            persons with such a visit
--   ordering_visitors   of those, persons with an order within the window after such a landing
--   conversion          ordering_visitors / visitors, 0..1
--   orders              distinct orders placed within the window after a landing from it
--   revenue             their revenue, in order currency (Decimal)
--   new_customers       ordering visitors whose first order ever is one of those orders
-- Rows: most visitors first, then by source, medium, campaign.
CREATE OR REPLACE VIEW clickstream.campaign_conversion AS
WITH
    toUInt64({window_seconds:UInt32}) * 1000 AS window_ms,
    landings AS
    (
        SELECT
            utm_source, utm_medium, utm_campaign, person,
            count() AS own_visits,
            groupArray(landed_ms) AS landed
        FROM clickstream.visits(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
        WHERE utm_campaign != ''
        GROUP BY utm_source, utm_medium, utm_campaign, person
    ),
    placed AS
    (
        SELECT
            person,
            groupArray((toUInt64(toUnixTimestamp64Milli(ordered_at)), revenue)) AS own_orders,
            min(toUInt64(toUnixTimestamp64Milli(ordered_at))) AS first_order_ms
        FROM clickstream.orders
        WHERE site_id = {site:String}
        GROUP BY person
    ),
    won AS
    (
        SELECT
            l.utm_source AS utm_source, l.utm_medium AS utm_medium,
            l.utm_campaign AS utm_campaign, l.own_visits AS own_visits,
            -- the person's orders placed within the window after one of these landings, i.e.
            -- after the last of them at or before the order. Found on one time line of both
            -- (landings first at equal times), filled forward onto each order: linear, where
            -- testing every pair of landing and order was quadratic
            arraySort(p.own_orders) AS orders_in_time,
            arraySort(arrayConcat(arrayMap(t -> (t, 0), l.landed),
                                  arrayMap(o -> (o.1, 1), orders_in_time))) AS line,
            arrayMap((e, last) -> last.2 = 0 AND e.1 <= last.1 + window_ms,
                     arrayFilter(e -> e.2 = 1, line),
                     arrayFilter((last, e) -> e.2 = 1, arrayFill(e -> e.2 = 0, line), line))
                AS in_window,
            arrayFilter((o, yes) -> yes, orders_in_time, in_window) AS brought,
            p.first_order_ms AS first_order_ms
        FROM landings AS l
        LEFT JOIN placed AS p ON p.person = l.person
    )
SELECT
    utm_source,
    utm_medium,
    utm_campaign,
    toUInt64(sum(own_visits)) AS visits,
    toUInt64(count()) AS visitors,
    toUInt64(countIf(length(brought) > 0)) AS ordering_visitors,
    toFloat64(ordering_visitors / visitors) AS conversion,
    toUInt64(sum(length(brought))) AS orders,
    toDecimal128(sum(arraySum(arrayMap(o -> o.2, brought))), 4) AS revenue,
    toUInt64(countIf(arrayExists(o -> o.1 = first_order_ms, brought))) AS new_customers
FROM won
GROUP BY utm_source, utm_medium, utm_campaign
ORDER BY visitors DESC, utm_source, utm_medium, utm_campaign
SETTINGS join_use_nulls = 0;
