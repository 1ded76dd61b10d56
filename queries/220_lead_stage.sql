-- lead_stage: registrations and what registered visitors do (the lead stage: 注册量, 注册增长率,
-- 注册购买转化率, 活跃注册客户数量, 会员登录频率, 重复访问率, and "register early, not only at
-- checkout").
-- Answers: how many visitors registered in the period, against the period before; how many of
-- them bought; how many registered early rather than only when they had to, at checkout; how
-- many registered visitors were active and how often they logged in; how many visitors came back
-- for a second visit?
-- Definitions: a person registers at their first `register` event (ever). They registered at
-- checkout when a checkout_start or order of theirs came at or before that moment, early
-- otherwise. A registered visitor has, before date_to, a register, login or identify event or
-- an event carrying a user id (as in lifecycle_segments); active means any event in the period.
-- Orders count once per order_id (the `orders` view); visits are those of the `visits` view.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time zone
-- Columns:
--   registrations                         persons who registered in the period
--   previous_registrations                the same in the previous period of equal length
--   registration_growth_rate              (registrations - previous) / previous; NULL when the
--                                         previous period had none (0.25 = 25 % more)
--   registered_buyers                     registrants of the period with an order at or after
--                                         registering, before date_to
--   registration_to_purchase_conversion   registered_buyers / registrations, 0..1
--   registered_early                      registrants with no checkout_start or order before
--                                         registering
--   registered_at_checkout                registrants who registered at or after their first
--                                         checkout_start or order
--   active_registered_visitors            registered visitors with an event in the period
--   logins                                login events in the period
--   login_frequency                       logins / active_registered_visitors (0 if none)
--   repeat_visitors                       visitors with two or more visits in the period
--   repeat_visit_rate                     repeat_visitors / visitors with a visit, 0..1
CREATE OR REPLACE VIEW clickstream.lead_stage AS
WITH
    (SELECT (from_ms, to_ms, previous_from_ms) FROM clickstream.stage_period(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}))
        AS period,
    people AS
    (
        SELECT
            person,
            countIf(type = 'register') > 0 AS has_registered,
            minIf(ts_ms, type = 'register') AS registered_ms,
            countIf(type IN ('checkout_start', 'order')) > 0
                AND minIf(ts_ms, type IN ('checkout_start', 'order')) <= registered_ms
                AS checked_out_first,
            countIf(type IN ('register', 'login', 'identify') OR user_id != '') > 0 AS is_member,
            countIf(ts_ms >= period.1) > 0 AS active,
            countIf(type = 'login' AND ts_ms >= period.1) AS own_logins
        FROM clickstream.person_events
        WHERE site_id = {site:String} AND ts_ms < period.2
        GROUP BY person
    ),
    order_times AS
    (
        SELECT person, groupArray(toUInt64(toUnixTimestamp64Milli(ordered_at))) AS times
        FROM clickstream.orders
        WHERE site_id = {site:String} AND toUnixTimestamp64Milli(ordered_at) < period.2
        GROUP BY person
    ),
    flagged AS
    (
        SELECT
            p.has_registered AND p.registered_ms >= period.1 AS registrant,
            p.has_registered AND p.registered_ms >= period.3 AND p.registered_ms < period.1
                AS previous_registrant,
            p.checked_out_first AS checked_out_first,
            arrayExists(t -> t >= p.registered_ms, o.times) AS bought,
            p.active AND p.is_member AS active_member,
            p.own_logins AS own_logins
        FROM people AS p
        LEFT JOIN order_times AS o ON o.person = p.person
    ),
    revisits AS
    (
        SELECT countIf(own_visits >= 2) AS repeaters, count() AS visitors
        FROM
        (
            SELECT person, count() AS own_visits
            FROM clickstream.visits(site = {site:String}, date_from = {date_from:DateTime},
                                    date_to = {date_to:DateTime})
            GROUP BY person
        )
    )
SELECT
    toUInt64(countIf(registrant)) AS registrations,
    toUInt64(countIf(previous_registrant)) AS previous_registrations,
    if(previous_registrations = 0, NULL,
       (toFloat64(registrations) - previous_registrations) / previous_registrations)
        AS registration_growth_rate,
    toUInt64(countIf(registrant AND bought)) AS registered_buyers,
    toFloat64(if(registrations = 0, 0, registered_buyers / registrations))
        AS registration_to_purchase_conversion,
    toUInt64(countIf(registrant AND NOT checked_out_first)) AS registered_early,
    toUInt64(countIf(registrant AND checked_out_first)) AS registered_at_checkout,
    toUInt64(countIf(active_member)) AS active_registered_visitors,
    toUInt64(sum(own_logins)) AS logins,
    toFloat64(if(active_registered_visitors = 0, 0, logins / active_registered_visitors))
        AS login_frequency,
    toUInt64(any(r.repeaters)) AS repeat_visitors,
    toFloat64(if(any(r.visitors) = 0, 0, repeat_visitors / any(r.visitors))) AS repeat_visit_rate
FROM flagged
CROSS JOIN revisits AS r
SETTINGS join_use_nulls = 0;
