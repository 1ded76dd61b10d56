-- lifecycle_segments_custom: lifecycle_segments with its thresholds as parameters.
-- Parameters: site String, as_of DateTime (site time zone; events before it count),
--             dormant_days UInt32, one_time_churn_days UInt32
-- Columns: segment, visitors (see lifecycle_segments; segments as in lifecycle_history)
CREATE OR REPLACE VIEW clickstream.lifecycle_segments_custom AS
WITH counted AS
(
    SELECT segment, count() AS visitors
    FROM clickstream.lifecycle_history(
        site = {site:String}, date_from = {as_of:DateTime}, date_to = {as_of:DateTime},
        dormant_days = {dormant_days:UInt32}, one_time_churn_days = {one_time_churn_days:UInt32})
    GROUP BY segment
)
SELECT
    s.segment AS segment,
    toUInt64(coalesce(c.visitors, 0)) AS visitors
FROM (SELECT arrayJoin(['churned', 'loyal', 'repeat', 'first_time', 'dormant_potential',
                        'potential', 'lead', 'stranger']) AS segment) AS s
LEFT JOIN counted AS c ON c.segment = s.segment
ORDER BY indexOf(['churned', 'loyal', 'repeat', 'first_time', 'dormant_potential', 'potential',
                  'lead', 'stranger'], segment);
