-- potential_stage: interest shown in the period (the potential-customer stage: 收藏量,
-- 放进购物车里量, and the step into checkout).
-- Answers: how many favorites, cart additions and checkout starts happened in the period, and
-- by how many visitors? Events count once per event_id; visitors are persons. What became of the
-- carts and checkouts: cart_abandonment, checkout_abandonment; who went quiet:
-- dormant_potential_customers.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time zone
-- Columns:
--   favorites            favorite events
--   favoriting_visitors  persons with a favorite
--   cart_additions       add_to_cart events
--   carting_visitors     persons with an add_to_cart
--   checkout_starts      checkout_start events
--   checkout_visitors    persons with a checkout_start
CREATE OR REPLACE VIEW clickstream.potential_stage AS
WITH
    (SELECT (from_ms, to_ms) FROM clickstream.stage_period(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}))
        AS period
SELECT
    toUInt64(countIf(type = 'favorite')) AS favorites,
    toUInt64(uniqExactIf(person, type = 'favorite')) AS favoriting_visitors,
    toUInt64(countIf(type = 'add_to_cart')) AS cart_additions,
    toUInt64(uniqExactIf(person, type = 'add_to_cart')) AS carting_visitors,
    toUInt64(countIf(type = 'checkout_start')) AS checkout_starts,
    toUInt64(uniqExactIf(person, type = 'checkout_start')) AS checkout_visitors
FROM clickstream.person_events
WHERE site_id = {site:String} AND ts_ms >= period.1 AND ts_ms < period.2
  AND type IN ('favorite', 'add_to_cart', 'checkout_start');
