-- funnel: the 6-step ordered funnel
SELECT * FROM clickstream.funnel(site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}, window_seconds = {window_seconds:UInt32});
