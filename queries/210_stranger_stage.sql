-- stranger_stage: traffic, and how much of it goes past the first page (the stranger stage:
-- 访问量, 第一点击量, 第二点击量, 第一点击突然离开量, 流量订单转化率).
-- Answers: how many visits and visitors came in the period, how many saw only the page they
-- landed on and left (the bounce), how many clicked on to a second page, and how many of the
-- visitors ordered? Visits are those of the `visits` view (landed in the period); orders count
-- once per order_id (the `orders` view) and are those placed in the period; visitors are persons.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time zone
-- Columns:
--   page_views                   page views of those visits
--   visits                       visits (sessions) that landed in the period
--   visitors                     persons with a visit
--   first_click_visitors         visitors none of whose visits went past the landing page
--   second_click_visitors        visitors with a visit of at least two page views
--                                (first_click_visitors + second_click_visitors = visitors)
--   bounced_visits               visits of exactly one page view
--   bounce_rate                  bounced_visits / visits, 0..1 (0 without visits)
--   ordering_visitors            visitors who placed an order in the period
--   traffic_to_order_conversion  ordering_visitors / visitors, 0..1 (0 without visitors)
CREATE OR REPLACE VIEW clickstream.stranger_stage AS
WITH
    (SELECT (from_ms, to_ms) FROM clickstream.stage_period(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}))
        AS period,
    per_visitor AS
    (
        SELECT
            person,
            count() AS own_visits,
            sum(page_views) AS own_page_views,
            countIf(page_views = 1) AS own_bounces,
            max(page_views) AS deepest_visit
        FROM clickstream.visits(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
        GROUP BY person
    ),
    buyers AS
    (
        SELECT DISTINCT person
        FROM clickstream.orders
        WHERE site_id = {site:String}
          AND toUnixTimestamp64Milli(ordered_at) >= period.1
          AND toUnixTimestamp64Milli(ordered_at) < period.2
    )
SELECT
    toUInt64(sum(own_page_views)) AS page_views,
    toUInt64(sum(own_visits)) AS visits,
    toUInt64(count()) AS visitors,
    toUInt64(countIf(deepest_visit = 1)) AS first_click_visitors,
    toUInt64(countIf(deepest_visit >= 2)) AS second_click_visitors,
    toUInt64(sum(own_bounces)) AS bounced_visits,
    toFloat64(if(visits = 0, 0, bounced_visits / visits)) AS bounce_rate,
    toUInt64(countIf(person IN buyers)) AS ordering_visitors,
    toFloat64(if(visitors = 0, 0, ordering_visitors / visitors)) AS traffic_to_order_conversion
FROM per_visitor;
