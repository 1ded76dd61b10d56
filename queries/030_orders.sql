-- orders: one row per order, however often its event was sent.
-- Answers: what was bought, when, by whom, for how much. An order is its order_id; its time,
-- person and revenue are those of the earliest event that carries it (ties: the smaller event_id
-- as text).
-- Columns:
--   site_id, order_id
--   person      person key (see person_events)
--   ordered_at  UTC time of the order
--   revenue     order total, in currency
--   currency    ISO 4217
--   items       number of order lines
CREATE OR REPLACE VIEW clickstream.orders AS
SELECT
    site_id,
    order_id,
    argMin(person, (ts, toString(event_id))) AS person,
    min(ts) AS ordered_at,
    argMin(revenue, (ts, toString(event_id))) AS revenue,
    argMin(currency, (ts, toString(event_id))) AS currency,
    argMin(length(`items.product_id`), (ts, toString(event_id))) AS items
FROM clickstream.person_events
WHERE type = 'order' AND order_id != ''
GROUP BY site_id, order_id;
