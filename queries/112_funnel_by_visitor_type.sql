-- funnel_by_visitor_type: the ordered funnel for new and for returning visitors.
-- Answers: do returning visitors convert better than first-time ones? A visitor is 'returning'
-- when they had a page view at an earlier time than their chain's first step (at any time, also
-- before date_from), else 'new' (see funnel and funnel_breakdown). The two add up to the funnel.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds UInt32
-- Columns:
--   visitor_type  'new' or 'returning'
--   step ... p90_seconds_from_previous  as in funnel, within the type
CREATE OR REPLACE VIEW clickstream.funnel_by_visitor_type AS
SELECT value AS visitor_type, * EXCEPT value
FROM clickstream.funnel_breakdown(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
    window_seconds = {window_seconds:UInt32}, dimension = 'visitor_type')
ORDER BY visitor_type, step;
