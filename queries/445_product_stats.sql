-- product_stats: how each product did in a period: viewed, carted, ordered.
-- Answers: which products are most viewed, most carted, most ordered, and how many of the people
-- who put a product in the cart went on to order it? Period [date_from, date_to) in the site's
-- time zone. Views are page_view events naming the product, carts add_to_cart events (events
-- once per event_id), orders come from order lines (see period_order_items: once per order_id).
-- Products with a view, a cart addition or an order line in the period are listed.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   product_id
--   category            the product's category (the greatest seen in the period, if several)
--   views               product page views
--   viewers             persons who viewed it
--   carts               add_to_cart events
--   carters             persons who carted it
--   orders              orders containing it
--   units               units ordered
--   buyers              persons who ordered it
--   revenue             price x quantity over its order lines, in order currency
--   cart_to_order_rate  of the carters, the share with an order containing the product at or
--                       after one of their cart additions in the period, 0..1 (0 if no carters)
--   views_rank          1 = most viewed (ties: product_id); likewise carts_rank (by carts) and
--   carts_rank          orders_rank (by orders)
--   orders_rank
CREATE OR REPLACE VIEW clickstream.product_stats AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toDateTime64(toString({date_from:DateTime}), 3, tz) AS period_start,
    toDateTime64(toString({date_to:DateTime}), 3, tz) AS period_end,
    per_person AS
    (
        -- one pass (a CTE named twice would run twice): each person's views, cart additions
        -- and order lines of each product
        SELECT
            product_id,
            person,
            max(category) AS category,
            countIf(kind = 'view') AS person_views,
            countIf(kind = 'cart') AS person_carts,
            minIf(at_ms, kind = 'cart') AS first_cart_ms,
            uniqExactIf(order_id, kind = 'line') AS person_orders,
            sumIf(quantity, kind = 'line') AS person_units,
            sumIf(amount, kind = 'line') AS person_revenue,
            maxIf(at_ms, kind = 'line') AS last_order_ms
        FROM
        (
            SELECT product_id, person, category, if(type = 'page_view', 'view', 'cart') AS kind,
                   ts_ms AS at_ms, '' AS order_id, toUInt32(0) AS quantity,
                   toDecimal128(0, 4) AS amount
            FROM clickstream.person_events
            WHERE site_id = {site:String} AND ts >= period_start AND ts < period_end
              AND type IN ('page_view', 'add_to_cart') AND product_id != ''
            UNION ALL
            SELECT product_id, person, category, 'line' AS kind, ordered_ms AS at_ms, order_id,
                   quantity, toDecimal128(price * quantity, 4) AS amount
            FROM clickstream.period_order_items(
                site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
        )
        GROUP BY product_id, person
    ),
    stats AS
    (
        SELECT
            product_id,
            max(category) AS category,
            toUInt64(sum(person_views)) AS views,
            toUInt64(countIf(person_views > 0)) AS viewers,
            toUInt64(sum(person_carts)) AS carts,
            toUInt64(countIf(person_carts > 0)) AS carters,
            toUInt64(sum(person_orders)) AS orders,  -- an order has one person
            toUInt64(sum(person_units)) AS units,
            toUInt64(countIf(person_orders > 0)) AS buyers,
            toDecimal128(sum(person_revenue), 4) AS revenue,
            toFloat64(if(carters = 0, 0, countIf(person_carts > 0 AND person_orders > 0
                                                 AND last_order_ms >= first_cart_ms) / carters))
                AS cart_to_order_rate
        FROM per_person
        GROUP BY product_id
    )
SELECT
    *,
    toUInt64(row_number() OVER (ORDER BY views DESC, product_id)) AS views_rank,
    toUInt64(row_number() OVER (ORDER BY carts DESC, product_id)) AS carts_rank,
    toUInt64(row_number() OVER (ORDER BY orders DESC, product_id)) AS orders_rank
FROM stats
ORDER BY views_rank;
