-- period_order_items: the lines of the orders placed in a period of the shop's calendar.
-- Answers: what was bought in [date_from, date_to) (site time zone)? The lines of the orders of
-- period_orders, once per order_id (see order_items); lines without a product id are left out.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   order_id, person (see person_events)
--   ordered_at  time of the order, site time zone
--   ordered_ms  the same in epoch milliseconds (UInt64)
--   line        position of the line in the order (1, 2, ...)
--   product_id, category
--   price       unit price, in order currency
--   quantity    units
CREATE OR REPLACE VIEW clickstream.period_order_items AS
SELECT
    o.order_id AS order_id,
    o.person AS person,
    o.ordered_at AS ordered_at,
    toUInt64(toUnixTimestamp64Milli(o.ordered_at)) AS ordered_ms,
    i.line AS line,
    i.product_id AS product_id,
    i.category AS category,
    i.price AS price,
    i.quantity AS quantity
FROM clickstream.period_orders(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}) AS o
INNER JOIN
(
    SELECT order_id, line, product_id, category, price, quantity
    FROM clickstream.order_items
    WHERE site_id = {site:String} AND product_id != ''
) AS i ON i.order_id = o.order_id;
