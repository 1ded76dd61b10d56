-- products_bought_together: pairs of products bought in the same order.
-- Answers: what do customers buy together (for "customers also bought" and bundles)? Orders of
-- [date_from, date_to) in the site's time zone, once per order_id (see period_order_items); a
-- product counts once per order however many lines name it.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   product_a, product_b  the pair, product_a < product_b
--   orders                orders containing both
--   support               orders / orders of the period with at least one product, 0..1
--   confidence_a_to_b     orders / orders containing product_a, 0..1
--   confidence_b_to_a     orders / orders containing product_b, 0..1
--   lift                  support / (share of orders with a x share with b); above 1: bought
--                         together more often than chance
-- Only pairs bought together at least once are listed, most orders first.
CREATE OR REPLACE VIEW clickstream.products_bought_together AS
WITH
    counted AS
    (
        -- one pass over the period's baskets (a CTE named twice would run twice), counting per
        -- basket one ('', '') key, a (p, '') and a ('', p) key per product, and an (a, b) key
        -- per pair: the number of baskets, of baskets with each product, with each pair
        SELECT key.1 AS first, key.2 AS second, count() AS orders
        FROM
        (
            SELECT arraySort(groupUniqArray(product_id)) AS products
            FROM clickstream.period_order_items(
                site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
            GROUP BY order_id
        )
        ARRAY JOIN arrayConcat(
            [('', '')],
            arrayMap(p -> (p, ''), products),
            arrayMap(p -> ('', p), products),
            arrayFlatten(arrayMap(
                i -> arrayMap(j -> (products[i], products[j]), range(i + 1, length(products) + 1)),
                range(1, length(products) + 1)))) AS key
        GROUP BY first, second
    ),
    with_totals AS
    (
        SELECT
            first,
            second,
            orders,
            sumIf(orders, first = '' AND second = '') OVER () AS baskets,
            sumIf(orders, second = '') OVER (PARTITION BY first) AS first_orders,
            sumIf(orders, first = '') OVER (PARTITION BY second) AS second_orders
        FROM counted
    )
SELECT
    first AS product_a,
    second AS product_b,
    toUInt64(orders) AS orders,
    orders / baskets AS support,
    orders / first_orders AS confidence_a_to_b,
    orders / second_orders AS confidence_b_to_a,
    orders * baskets / (first_orders * second_orders) AS lift
FROM with_totals
WHERE first != '' AND second != ''
ORDER BY orders DESC, product_a, product_b;
