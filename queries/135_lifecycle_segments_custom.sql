-- lifecycle_segments_custom: lifecycle_segments with its thresholds as parameters.
-- Parameters: site String, as_of DateTime, dormant_days UInt32, one_time_churn_days UInt32
-- Columns: segment, visitors (see lifecycle_segments)
CREATE OR REPLACE VIEW clickstream.lifecycle_segments_custom AS
WITH
    toUInt64(toUnixTimestamp64Milli(toDateTime64({as_of:DateTime}, 3, 'UTC'))) AS as_of_ms,
    people AS
    (
        SELECT
            person,
            groupArrayIf((order_id, ts_ms), type = 'order' AND order_id != '') AS order_pairs,
            maxIf(ts_ms, type IN ('favorite', 'add_to_cart')) AS last_interest,
            countIf(type IN ('favorite', 'add_to_cart')) > 0 AS interested,
            countIf(type IN ('register', 'login', 'identify') OR user_id != '') > 0 AS registered
        FROM clickstream.person_events
        WHERE site_id = {site:String} AND ts_ms < as_of_ms
        GROUP BY person
    ),
    classified AS
    (
        SELECT
            person,
            -- first time of each distinct order, in time order
            arraySort(arrayMap(id -> arrayMin(arrayMap(p -> p.2,
                arrayFilter(p -> p.1 = id, order_pairs))), arrayDistinct(arrayMap(p -> p.1,
                order_pairs)))) AS order_times,
            length(order_times) AS orders,
            arrayMap(i -> toFloat64(order_times[i + 1] - order_times[i]),
                     range(1, orders)) AS intervals,
            if(orders >= 2, 2 * arrayReduce('quantileExactInclusive(0.5)', intervals),
               toFloat64({one_time_churn_days:UInt32}) * 86400000) AS churn_line_ms,
            multiIf(
                orders > 0 AND toFloat64(as_of_ms - order_times[orders]) > churn_line_ms,
                    'churned',
                orders >= 3, 'loyal',
                orders = 2, 'repeat',
                orders = 1, 'first_time',
                interested AND as_of_ms - last_interest
                    > toUInt64({dormant_days:UInt32}) * 86400000, 'dormant_potential',
                interested, 'potential',
                registered, 'lead',
                'stranger') AS segment
        FROM people
    ),
    counted AS (SELECT segment, count() AS visitors FROM classified GROUP BY segment)
SELECT
    s.segment AS segment,
    toUInt64(coalesce(c.visitors, 0)) AS visitors
FROM (SELECT arrayJoin(['churned', 'loyal', 'repeat', 'first_time', 'dormant_potential',
                        'potential', 'lead', 'stranger']) AS segment) AS s
LEFT JOIN counted AS c ON c.segment = s.segment
ORDER BY indexOf(['churned', 'loyal', 'repeat', 'first_time', 'dormant_potential', 'potential',
                  'lead', 'stranger'], segment);
