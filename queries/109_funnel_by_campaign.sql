-- funnel_by_campaign: the ordered funnel per UTM campaign.
-- Answers: which campaigns convert? Each person counts once, under the utm_campaign of the
-- landing page (the first page view) of the session their chain started in (see funnel and
-- funnel_breakdown); the campaigns of one query, with '', add up to the funnel.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds UInt32
-- Columns (campaigns without chains have no rows):
--   utm_campaign  the landing page's utm_campaign; '' for sessions that came without one
--   step ... p90_seconds_from_previous  as in funnel, within the campaign
CREATE OR REPLACE VIEW clickstream.funnel_by_campaign AS
SELECT value AS utm_campaign, * EXCEPT value
FROM clickstream.funnel_breakdown(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
    window_seconds = {window_seconds:UInt32}, dimension = 'campaign')
ORDER BY utm_campaign, step;
