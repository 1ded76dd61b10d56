-- lifecycle_segments: every visitor's segment as of date_to
SELECT * FROM clickstream.lifecycle_segments(site = {site:String}, as_of = {date_to:DateTime});
