-- windowFunnel (reference): ClickHouse's own funnel function over the same rows, for scale. It
-- does less than the funnel view: no identity map, no deduplication, no same-session rule for
-- step 2, no step times and no choice of the best start, so its answer differs; its time is
-- what ClickHouse's own C++ funnel code costs here.
SELECT level, count() AS persons
FROM
(
    SELECT
        if(user_id != '', concat('u:', user_id), concat('a:', anonymous_id)) AS person,
        windowFunnel(toUInt64({window_seconds:UInt32}) * 1000)(
            toUInt64(toUnixTimestamp64Milli(ts)),
            type = 'page_view', type = 'page_view', type IN ('favorite', 'add_to_cart'),
            type = 'add_to_cart', type IN ('register', 'login') OR user_id != '',
            type = 'order') AS level
    FROM clickstream.events
    WHERE site_id = {site:String}
      AND ts >= {date_from:DateTime} AND ts < {date_to:DateTime} + toIntervalSecond({window_seconds:UInt32})
    GROUP BY person
)
GROUP BY level
ORDER BY level;
