-- traffic_totals from raw events: the same answer without the pre-aggregation
SELECT
    toDate(ts) AS period_start,
    uniqExact(event_id) AS events,
    uniqExactIf(event_id, type = 'page_view') AS page_views,
    uniqExact(if(anonymous_id != '', anonymous_id, concat('u:', user_id))) AS visitor_ids
FROM clickstream.events
WHERE site_id = {site:String} AND ts >= {date_from:DateTime} AND ts < {date_to:DateTime}
GROUP BY period_start
ORDER BY period_start;
