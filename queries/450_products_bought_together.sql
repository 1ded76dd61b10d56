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
    baskets AS
    (
        SELECT order_id, arraySort(groupUniqArray(product_id)) AS products
        FROM clickstream.period_order_items(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
        GROUP BY order_id
    ),
    product_orders AS
    (
        SELECT product_id, count() AS orders
        FROM baskets
        ARRAY JOIN products AS product_id
        GROUP BY product_id
    ),
    pairs AS
    (
        SELECT pair.1 AS product_a, pair.2 AS product_b, count() AS orders
        FROM baskets
        ARRAY JOIN arrayFlatten(arrayMap(
            i -> arrayMap(j -> (products[i], products[j]), range(i + 1, length(products) + 1)),
            range(1, length(products) + 1))) AS pair
        GROUP BY product_a, product_b
    )
SELECT
    p.product_a AS product_a,
    p.product_b AS product_b,
    toUInt64(p.orders) AS orders,
    p.orders / n.baskets AS support,
    p.orders / a.orders AS confidence_a_to_b,
    p.orders / b.orders AS confidence_b_to_a,
    p.orders * n.baskets / (a.orders * b.orders) AS lift
FROM pairs AS p
INNER JOIN product_orders AS a ON a.product_id = p.product_a
INNER JOIN product_orders AS b ON b.product_id = p.product_b
CROSS JOIN (SELECT count() AS baskets FROM baskets) AS n
ORDER BY orders DESC, product_a, product_b;
