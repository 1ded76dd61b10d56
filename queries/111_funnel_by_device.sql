-- funnel_by_device: the ordered funnel per device class.
-- Answers: do mobile visitors drop out where desktop visitors do not? Each person counts once,
-- under the device class of the landing page (the first page view) of the session their chain
-- started in (see funnel and funnel_breakdown); the classes of one query add up to the funnel.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds UInt32
-- Columns (classes without chains have no rows):
--   device_class  desktop, mobile, tablet, bot, other (from the user agent)
--   step ... p90_seconds_from_previous  as in funnel, within the class
CREATE OR REPLACE VIEW clickstream.funnel_by_device AS
SELECT value AS device_class, * EXCEPT value
FROM clickstream.funnel_breakdown(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
    window_seconds = {window_seconds:UInt32}, dimension = 'device')
ORDER BY device_class, step;
