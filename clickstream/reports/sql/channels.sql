-- channels: acquisition_sources (last touch) summed per channel.
-- Answers: from which channels did the period's visitors come (the channel of their last
-- session landing in the period), and which channels brought its orders and revenue (the last
-- session landing before each order)? See queries/365_acquisition_sources.sql. The `sources`
-- report runs it once per day, week or month for its "channels over time".
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive; site time zone)
-- Columns:
--   channel       direct, search, social, email, paid, referral, internal, none
--   visitors      persons whose last session landing in the period came from the channel
--   new_visitors  of them, persons whose first session ever landed in the period
--   orders        orders of the period credited to the channel
--   revenue       their total, in order currency
SELECT
    channel,
    sum(visitors) AS visitors,
    sum(new_visitors) AS new_visitors,
    sum(orders) AS orders,
    sum(revenue) AS revenue
FROM clickstream.acquisition_sources(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}
)
WHERE model = 'last_touch'
GROUP BY channel
ORDER BY visitors DESC, channel
