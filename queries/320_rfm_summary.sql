-- rfm_summary: how the customers of a period spread over the R, F and M scores.
-- Answers: how many customers (and how much revenue) sit at each recency, frequency and monetary
-- score, and which values each score stands for? Scores as in rfm_customers.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   dimension       'recency', 'frequency', 'monetary' (every dimension and score is listed)
--   score           1..5
--   customers       customers with this score
--   customer_share  customers / all customers of the period, 0..1
--   revenue         their revenue in the period, in order currency
--   revenue_share   revenue / all revenue of the period, 0..1
--   min_value       the lowest value scored so: recency_seconds, frequency or monetary (NULL if
--                   nobody has the score)
--   max_value       the highest such value (NULL if nobody has the score)
CREATE OR REPLACE VIEW clickstream.rfm_summary AS
WITH
    scored AS
    (
        SELECT
            arrayJoin([('recency', r_score, recency_seconds),
                       ('frequency', f_score, toFloat64(frequency)),
                       ('monetary', m_score, toFloat64(monetary))]) AS cell,
            cell.1 AS dimension,
            cell.2 AS score,
            cell.3 AS value,
            monetary
        FROM clickstream.rfm_customers(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
    ),
    totals AS (SELECT count() AS customers, sum(monetary) AS revenue FROM scored
               WHERE dimension = 'recency'),
    cells AS
    (
        SELECT dimension, score, count() AS customers, sum(monetary) AS revenue,
               min(value) AS min_value, max(value) AS max_value
        FROM scored
        GROUP BY dimension, score
    )
SELECT
    g.dimension AS dimension,
    g.score AS score,
    toUInt64(coalesce(c.customers, 0)) AS customers,
    toFloat64(if(t.customers = 0, 0, customers / t.customers)) AS customer_share,
    toDecimal128(coalesce(c.revenue, 0), 4) AS revenue,
    toFloat64(if(t.revenue = 0, 0, toFloat64(revenue) / toFloat64(t.revenue))) AS revenue_share,
    if(c.customers > 0, c.min_value, NULL) AS min_value,
    if(c.customers > 0, c.max_value, NULL) AS max_value
FROM
(
    SELECT dimension, toUInt8(score) AS score
    FROM (SELECT arrayJoin(['recency', 'frequency', 'monetary']) AS dimension)
    ARRAY JOIN [1, 2, 3, 4, 5] AS score
) AS g
LEFT JOIN cells AS c ON c.dimension = g.dimension AND c.score = g.score
CROSS JOIN totals AS t
ORDER BY indexOf(['recency', 'frequency', 'monetary'], dimension), score;
