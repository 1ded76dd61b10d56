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
    touches AS
    (
        SELECT person, type, product_id, category, ts_ms
        FROM clickstream.person_events
        WHERE site_id = {site:String} AND ts >= period_start AND ts < period_end
          AND type IN ('page_view', 'add_to_cart') AND product_id != ''
    ),
    lines AS
    (
        SELECT order_id, person, ordered_ms, product_id, category, price, quantity
        FROM clickstream.period_order_items(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
    ),
    seen AS
    (
        SELECT
            product_id,
            max(category) AS category,
            countIf(type = 'page_view') AS views,
            uniqExactIf(person, type = 'page_view') AS viewers,
            countIf(type = 'add_to_cart') AS carts,
            uniqExactIf(person, type = 'add_to_cart') AS carters
        FROM touches
        GROUP BY product_id
    ),
    bought AS
    (
        SELECT
            product_id,
            max(category) AS category,
            uniqExact(order_id) AS orders,
            sum(quantity) AS units,
            uniqExact(person) AS buyers,
            sum(price * quantity) AS revenue
        FROM lines
        GROUP BY product_id
    ),
    converted AS
    (
        -- a carter converted when their last order of the product follows their first cart
        SELECT c.product_id AS product_id, count() AS converted
        FROM
        (
            SELECT product_id, person, min(ts_ms) AS first_cart_ms
            FROM touches WHERE type = 'add_to_cart'
            GROUP BY product_id, person
        ) AS c
        INNER JOIN
        (
            SELECT product_id, person, max(ordered_ms) AS last_order_ms
            FROM lines
            GROUP BY product_id, person
        ) AS b ON b.product_id = c.product_id AND b.person = c.person
        WHERE b.last_order_ms >= c.first_cart_ms
        GROUP BY c.product_id
    ),
    stats AS
    (
        SELECT
            product_id,
            greatest(s.category, b.category) AS category,
            toUInt64(s.views) AS views,
            toUInt64(s.viewers) AS viewers,
            toUInt64(s.carts) AS carts,
            toUInt64(s.carters) AS carters,
            toUInt64(b.orders) AS orders,
            toUInt64(b.units) AS units,
            toUInt64(b.buyers) AS buyers,
            toDecimal128(b.revenue, 4) AS revenue,
            toFloat64(if(carters = 0, 0, v.converted / carters)) AS cart_to_order_rate
        FROM seen AS s
        FULL OUTER JOIN bought AS b USING (product_id)
        LEFT JOIN converted AS v USING (product_id)
    )
SELECT
    *,
    toUInt64(row_number() OVER (ORDER BY views DESC, product_id)) AS views_rank,
    toUInt64(row_number() OVER (ORDER BY carts DESC, product_id)) AS carts_rank,
    toUInt64(row_number() OVER (ORDER BY orders DESC, product_id)) AS orders_rank
FROM stats
ORDER BY views_rank
SETTINGS join_use_nulls = 0;
