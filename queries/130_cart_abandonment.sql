-- cart_abandonment: visitors who put something in the cart and did not order.
-- Answers the potential stage: how many carts are left behind? A carted visitor is a person
-- with an add_to_cart in [date_from, date_to); they ordered when an order of theirs follows one
-- of those cart additions within window_seconds (the order may fall after date_to).
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds UInt32
-- Columns:
--   carted_visitors     persons with a cart addition in the period
--   ordered_visitors    of those, persons who ordered within the window after a cart addition
--   abandoned_visitors  carted_visitors - ordered_visitors
--   abandonment_rate    abandoned_visitors / carted_visitors, 0..1 (0 when nobody carted)
CREATE OR REPLACE VIEW clickstream.cart_abandonment AS
WITH
    toUInt64(toUnixTimestamp64Milli(toDateTime64({date_from:DateTime}, 3, 'UTC'))) AS from_ms,
    toUInt64(toUnixTimestamp64Milli(toDateTime64({date_to:DateTime}, 3, 'UTC'))) AS to_ms,
    toUInt64({window_seconds:UInt32}) * 1000 AS window_ms,
    per_person AS
    (
        SELECT
            person,
            groupArrayIf(ts_ms, type = 'add_to_cart' AND ts_ms < to_ms) AS carts,
            groupArrayIf(ts_ms, type = 'order') AS orders,
            arrayExists(c -> arrayExists(o -> o >= c AND o <= c + window_ms, orders), carts)
                AS ordered
        FROM clickstream.person_events
        WHERE site_id = {site:String}
          AND ts_ms >= from_ms AND ts_ms < to_ms + window_ms
          AND type IN ('add_to_cart', 'order')
        GROUP BY person
        HAVING length(carts) > 0
    )
SELECT
    toUInt64(count()) AS carted_visitors,
    toUInt64(countIf(ordered)) AS ordered_visitors,
    toUInt64(carted_visitors - ordered_visitors) AS abandoned_visitors,
    toFloat64(if(carted_visitors = 0, 0, abandoned_visitors / carted_visitors))
        AS abandonment_rate
FROM per_person;
