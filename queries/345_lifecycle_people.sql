-- lifecycle_people: every visitor's lifecycle segment at as_of, one row per person, for CRM
-- export (who to win back, who to nudge towards a second order).
-- Answers: which segment is this person in, and why? Segments and thresholds as in
-- lifecycle_segments (dormant after 30 days without interest, one-time buyers churn after 180
-- days); lifecycle_segments counts these rows.
-- Parameters: site String, as_of DateTime (site time zone; events before it count)
-- Columns:
--   person            person key (see person_events)
--   user_id           the user id of a known person, '' for an anonymous one
--   segment           churned, loyal, repeat, first_time, dormant_potential, potential, lead,
--                     stranger
--   orders            distinct orders before as_of
--   revenue           their total, in order currency
--   first_seen_at     first event, site time zone
--   last_order_at     last order, site time zone (NULL for non-buyers)
--   churns_at         a buyer counts as churned after this moment (NULL for non-buyers)
--   last_interest_at  last favorite or add_to_cart (NULL if none)
--   registered        1 if the person registered or was known
CREATE OR REPLACE VIEW clickstream.lifecycle_people AS
SELECT
    person,
    if(startsWith(person, 'u:'), substring(person, 3), '') AS user_id,
    segment,
    orders,
    revenue,
    first_seen_at,
    last_order_at,
    churns_at,
    last_interest_at,
    registered
FROM clickstream.lifecycle_history(
    site = {site:String}, date_from = {as_of:DateTime}, date_to = {as_of:DateTime},
    dormant_days = 30, one_time_churn_days = 180)
ORDER BY person;
