-- cart_abandonment: a stage metric over person_events (FINAL)
SELECT * FROM clickstream.cart_abandonment(site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}, window_seconds = {window_seconds:UInt32});
