-- order_items: the lines of every order, once per order_id.
-- Answers: which products were bought in which order, how many, at what price? The lines are
-- those of the order's earliest event (event time, then event_id as text): the same event
-- `orders` takes its person, time and revenue from, so an order sent twice counts its lines once.
-- Columns:
--   site_id, order_id
--   person      person key (see person_events)
--   ordered_at  time of the order (UTC)
--   line        position of the line in the order (1, 2, ...)
--   product_id, category
--   price       unit price, in order currency
--   quantity    units
CREATE OR REPLACE VIEW clickstream.order_items AS
SELECT site_id, order_id, person, ordered_at, line, product_id, category, price, quantity
FROM
(
    SELECT
        site_id,
        order_id,
        argMin(person, (ts, toString(event_id))) AS person,
        min(ts) AS ordered_at,
        argMin(`items.product_id`, (ts, toString(event_id))) AS product_ids,
        argMin(`items.category`, (ts, toString(event_id))) AS categories,
        argMin(`items.price`, (ts, toString(event_id))) AS prices,
        argMin(`items.quantity`, (ts, toString(event_id))) AS quantities
    FROM clickstream.person_events
    WHERE type = 'order' AND order_id != ''
    GROUP BY site_id, order_id
)
ARRAY JOIN
    arrayEnumerate(product_ids) AS line,
    product_ids AS product_id,
    categories AS category,
    prices AS price,
    quantities AS quantity;
