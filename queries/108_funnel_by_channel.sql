-- funnel_by_channel: the ordered funnel per acquisition channel.
-- Answers: which channels bring visitors who go on to order? Each person counts once, under the
-- channel of the landing page (the first page view) of the session their chain started in (see
-- funnel and funnel_breakdown); the channels of one query add up to the funnel.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds UInt32
-- Columns (channels without chains have no rows):
--   channel  direct, search, social, email, paid, referral, internal (as the collector classified
--            the landing page's referrer and UTM)
--   step ... p90_seconds_from_previous  as in funnel, within the channel
CREATE OR REPLACE VIEW clickstream.funnel_by_channel AS
SELECT value AS channel, * EXCEPT value
FROM clickstream.funnel_breakdown(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
    window_seconds = {window_seconds:UInt32}, dimension = 'channel')
ORDER BY channel, step;
