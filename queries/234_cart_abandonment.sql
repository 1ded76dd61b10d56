-- cart_abandonment: visitors who put something in the cart and did not order.
-- Answers the potential stage: how many carts are left behind? A carted visitor is a person
-- with an add_to_cart in [date_from, date_to); they ordered when an order of theirs follows one
-- of those cart additions within window_seconds (the order may fall after date_to). Orders count
-- once per order_id, at the time of their first event. The `abandonment` view's 'cart' step.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time
--   zone; window_seconds UInt32
-- Columns:
--   carted_visitors     persons with a cart addition in the period
--   ordered_visitors    of those, persons who ordered within the window after a cart addition
--   abandoned_visitors  carted_visitors - ordered_visitors
--   abandonment_rate    abandoned_visitors / carted_visitors, 0..1 (0 when nobody carted)
CREATE OR REPLACE VIEW clickstream.cart_abandonment AS
SELECT
    started_visitors AS carted_visitors,
    ordered_visitors,
    abandoned_visitors,
    abandonment_rate
FROM clickstream.abandonment(site = {site:String}, date_from = {date_from:DateTime},
                             date_to = {date_to:DateTime}, window_seconds = {window_seconds:UInt32})
WHERE step = 'cart';
