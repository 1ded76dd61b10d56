-- funnel_by_visitor_type: the funnel for new and returning visitors
SELECT * FROM clickstream.funnel_by_visitor_type(site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}, window_seconds = {window_seconds:UInt32});
