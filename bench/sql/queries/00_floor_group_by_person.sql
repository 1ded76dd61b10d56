-- floor: GROUP BY person over the same rows, nothing else (no identity map, no deduplication)
SELECT count() AS persons, sum(events) AS events
FROM
(
    SELECT if(user_id != '', concat('u:', user_id), concat('a:', anonymous_id)) AS person,
           count() AS events
    FROM clickstream.events
    WHERE site_id = {site:String}
      AND ts >= {date_from:DateTime} AND ts < {date_to:DateTime} + toIntervalSecond({window_seconds:UInt32})
    GROUP BY person
);
