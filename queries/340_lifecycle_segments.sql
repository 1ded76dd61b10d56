-- lifecycle_segments: every visitor seen before as_of in exactly one customer lifecycle segment.
-- Answers: how many strangers, leads, potential, first-time, repeat, loyal and churned customers
-- does the shop have? Decided in this order (SPEC section 8):
--   buyers (an order before as_of; orders count once per order_id, see lifecycle_history):
--     churned     last order older than the churn line: twice the person's own median interval
--                 between orders, or 180 days for one-time buyers
--     loyal       3 or more orders; repeat: 2 orders; first_time: 1 order
--   non-buyers:
--     dormant_potential  showed interest (favorite or add_to_cart), none in the last 30 days
--     potential          showed interest in the last 30 days
--     lead               registered (register, login or identify event, or a user id), no interest
--     stranger           none of these
-- The *_custom variant takes dormant_days and one_time_churn_days as parameters.
-- Parameters: site String, as_of DateTime (site time zone; events before it count)
-- Columns:
--   segment   churned, loyal, repeat, first_time, dormant_potential, potential, lead, stranger
--             (every segment is listed)
--   visitors  persons in the segment
CREATE OR REPLACE VIEW clickstream.lifecycle_segments AS
SELECT segment, visitors
FROM clickstream.lifecycle_segments_custom(
    site = {site:String}, as_of = {as_of:DateTime}, dormant_days = 30, one_time_churn_days = 180);
