-- value_pyramid: customers ranked by revenue
SELECT * FROM clickstream.value_pyramid(site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime});
