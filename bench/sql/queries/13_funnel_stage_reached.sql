-- funnel_stage_reached: steps reached in any order
SELECT * FROM clickstream.funnel_stage_reached(site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime});
