-- funnel_by_channel: the funnel per landing channel (session_starts pre-aggregation)
SELECT * FROM clickstream.funnel_by_channel(site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}, window_seconds = {window_seconds:UInt32});
