-- conversion_trend: visit-to-order conversion per day
SELECT * FROM clickstream.conversion_trend(site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}, bucket = 'day');
