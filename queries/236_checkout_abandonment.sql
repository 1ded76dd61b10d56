-- checkout_abandonment: visitors who started checking out and did not order.
-- Answers the potential stage: how many checkouts are left unfinished? A visitor who started a
-- checkout is a person with a checkout_start in [date_from, date_to); they ordered when an order
-- of theirs follows one of those within window_seconds (the order may fall after date_to).
-- Orders count once per order_id, at the time of their first event. The `abandonment` view's
-- 'checkout' step.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time
--   zone; window_seconds UInt32
-- Columns:
--   checkout_visitors   persons with a checkout_start in the period
--   ordered_visitors    of those, persons who ordered within the window after a checkout_start
--   abandoned_visitors  checkout_visitors - ordered_visitors
--   abandonment_rate    abandoned_visitors / checkout_visitors, 0..1 (0 when nobody started)
CREATE OR REPLACE VIEW clickstream.checkout_abandonment AS
SELECT
    started_visitors AS checkout_visitors,
    ordered_visitors,
    abandoned_visitors,
    abandonment_rate
FROM clickstream.abandonment(site = {site:String}, date_from = {date_from:DateTime},
                             date_to = {date_to:DateTime}, window_seconds = {window_seconds:UInt32})
WHERE step = 'checkout';
