-- traffic_totals: events, page views, visitor ids per day (traffic_buckets pre-aggregation)
SELECT * FROM clickstream.traffic_totals(site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}, bucket = 'day');
