-- growth_stage: do customers come back, how often, for how much (the growth stage: 再次成交量,
-- 消费次数, 消费频率间隔, 消费种类, 平均消费金额).
-- Answers: of the customers of the period, how many bought again (an order that was not their
-- first ever), how many orders each placed, how long they waited between orders, how many
-- product categories they bought from, and what they spent on average? Orders count once per
-- order_id, at the time and with the items of their first event (the `orders` view); customers
-- are persons with an order in the period. An interval runs from a customer's previous order
-- (which may precede the period) to an order in the period.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time zone
-- Columns:
--   customers                     persons with an order in the period
--   orders                        their orders in the period
--   repeat_orders                 orders in the period that were not their buyer's first ever
--   repeat_customers              customers with a repeat order in the period
--   repeat_customer_rate          repeat_customers / customers, 0..1
--   orders_per_customer           orders / customers (0 without customers)
--   mean_seconds_between_orders   mean interval between consecutive orders, seconds; NULL if none
--   median_seconds_between_orders median of the same (linear interpolation), seconds; NULL if none
--   categories_per_customer       mean number of distinct product categories in a customer's
--                                 orders of the period (items without a category not counted)
--   revenue                       revenue of the period's orders, in order currency (Decimal)
--   avg_spend_per_customer        revenue / customers, in order currency, truncated to 4 decimals
CREATE OR REPLACE VIEW clickstream.growth_stage AS
WITH
    (SELECT (from_ms, to_ms) FROM clickstream.stage_period(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}))
        AS period,
    history AS
    (
        -- every customer's orders up to date_to, in time order: (time ms, order_id, revenue)
        SELECT person, arraySort(groupArray((at_ms, order_id, revenue))) AS placed
        FROM
        (
            SELECT person, order_id, revenue,
                   toUInt64(toUnixTimestamp64Milli(ordered_at)) AS at_ms
            FROM clickstream.orders
            WHERE site_id = {site:String} AND at_ms < period.2
        )
        GROUP BY person
        HAVING arrayExists(o -> o.1 >= period.1, placed)
    ),
    customers AS
    (
        SELECT
            person,
            arrayFilter(i -> placed[i].1 >= period.1, arrayEnumerate(placed)) AS in_period,
            length(in_period) AS own_orders,
            arrayCount(i -> i > 1, in_period) AS own_repeat_orders,
            arrayMap(i -> (placed[i].1 - placed[i - 1].1) / 1000,
                     arrayFilter(i -> i > 1, in_period)) AS gaps_seconds,
            arraySum(arrayMap(i -> placed[i].3, in_period)) AS own_revenue
        FROM history
    ),
    categories AS
    (
        -- the categories of each customer's orders in the period, from each order's first event
        SELECT o.person AS person, uniqExactArray(c.categories) AS own_categories
        FROM
        (
            SELECT person, order_id
            FROM clickstream.orders
            WHERE site_id = {site:String}
              AND toUnixTimestamp64Milli(ordered_at) >= period.1
              AND toUnixTimestamp64Milli(ordered_at) < period.2
        ) AS o
        INNER JOIN
        (
            SELECT order_id,
                   arrayFilter(x -> x != '',
                               argMin(`items.category`, (ts, toString(event_id)))) AS categories
            FROM clickstream.person_events
            WHERE site_id = {site:String} AND type = 'order' AND ts_ms >= period.1
            GROUP BY order_id
        ) AS c ON c.order_id = o.order_id
        GROUP BY person
    ),
    gaps AS
    (
        SELECT count() AS intervals, avg(g) AS mean_gap, quantileExactInclusive(0.5)(g) AS median_gap
        FROM customers
        ARRAY JOIN gaps_seconds AS g
    )
SELECT
    toUInt64(count()) AS customers,
    toUInt64(sum(own_orders)) AS orders,
    toUInt64(sum(own_repeat_orders)) AS repeat_orders,
    toUInt64(countIf(own_repeat_orders > 0)) AS repeat_customers,
    toFloat64(if(customers = 0, 0, repeat_customers / customers)) AS repeat_customer_rate,
    toFloat64(if(customers = 0, 0, orders / customers)) AS orders_per_customer,
    if(any(g.intervals) = 0, NULL, toFloat64(any(g.mean_gap))) AS mean_seconds_between_orders,
    if(any(g.intervals) = 0, NULL, toFloat64(any(g.median_gap))) AS median_seconds_between_orders,
    toFloat64(if(customers = 0, 0, sum(k.own_categories) / customers)) AS categories_per_customer,
    toDecimal128(sum(own_revenue), 4) AS revenue,
    toDecimal128(if(customers = 0, 0, revenue / customers), 4) AS avg_spend_per_customer
FROM customers AS c
LEFT JOIN categories AS k ON k.person = c.person
CROSS JOIN gaps AS g
SETTINGS join_use_nulls = 0;
