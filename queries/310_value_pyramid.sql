-- value_pyramid: the customer value pyramid (SPEC section 8).
-- Answers: how much of the revenue comes from the few best customers? Customers (persons with
-- at least one order in the period; see period_customers) are ranked by revenue, highest first,
-- ties by person key: ranks 1..ceil(1% of N) are 'vip', up to ceil(5% of N) 'major', up to
-- ceil(20% of N) 'ordinary', the rest 'small'. Orders count once per order_id.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive; site time zone)
-- Columns:
--   tier             'vip', 'major', 'ordinary', 'small' (every tier is listed)
--   customers        persons in the tier
--   revenue          their revenue in the period, in order currency (Decimal)
--   revenue_share    revenue / all revenue of the period, 0..1
--   avg_order_value  revenue / distinct orders of the tier, in order currency, truncated to
--                    4 decimals (0 if none)
CREATE OR REPLACE VIEW clickstream.value_pyramid AS
WITH per_customer AS
(
    SELECT person, revenue, orders
    FROM clickstream.period_customers(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
),
ranked AS
(
    SELECT
        person, revenue, orders,
        row_number() OVER (ORDER BY revenue DESC, person ASC) AS customer_rank,
        count() OVER () AS n
    FROM per_customer
),
tiers AS
(
    SELECT
        multiIf(customer_rank <= ceil(n * 0.01), 'vip',
                customer_rank <= ceil(n * 0.05), 'major',
                customer_rank <= ceil(n * 0.20), 'ordinary', 'small') AS tier,
        count() AS customers,
        sum(revenue) AS revenue,
        sum(orders) AS orders
    FROM ranked
    GROUP BY tier
)
SELECT
    t.tier AS tier,
    toUInt64(coalesce(x.customers, 0)) AS customers,
    toDecimal128(coalesce(x.revenue, 0), 4) AS revenue,
    toFloat64(if(total.revenue = 0, 0, toFloat64(revenue) / toFloat64(total.revenue)))
        AS revenue_share,
    toDecimal128(if(coalesce(x.orders, 0) = 0, 0, revenue / x.orders), 4) AS avg_order_value
FROM (SELECT arrayJoin(['vip', 'major', 'ordinary', 'small']) AS tier) AS t
LEFT JOIN tiers AS x ON x.tier = t.tier
CROSS JOIN (SELECT sum(revenue) AS revenue FROM per_customer) AS total
ORDER BY indexOf(['vip', 'major', 'ordinary', 'small'], tier);
