-- acquisition_sources: where visitors and orders come from, first touch and last touch.
-- Answers: which channels, campaigns and referring sites bring the visitors and the orders of
-- [date_from, date_to) (site time zone)? A source is the landing page view of a session (see
-- session_landings): channel, UTM source/medium/campaign and referring domain.
--   visitors      persons with a session landing in the period (each counted once per model)
--   first_touch   credits a visitor, and each of their orders, to the landing of the person's
--                 first session ever (for an order: if it began at or before the order)
--   last_touch    credits a visitor to their last session landing in the period, and an order
--                 to the person's last session landing at or before the order
-- Orders of the period count once per order_id; an order with no session landing at or before
-- it is credited to channel 'none' (e.g. a server-reported order of a visitor never seen on the
-- site). Sessions are ordered by landing time, then landing event_id as text.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   model            'first_touch', 'last_touch'
--   channel          direct, search, social, email, paid, referral, internal, none
--   utm_source, utm_medium, utm_campaign, referrer_domain   ('' when absent)
--   visitors         visitors credited to the source
--   new_visitors     of them, persons whose first session ever landed in the period
--   orders           orders of the period credited to the source
--   revenue          their total, in order currency
CREATE OR REPLACE VIEW clickstream.acquisition_sources AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toDateTime64(toString({date_from:DateTime}), 3, tz) AS period_start,
    toDateTime64(toString({date_to:DateTime}), 3, tz) AS period_end,
    toUInt64(toUnixTimestamp64Milli(period_start)) AS start_ms,
    ('none', '', '', '', '') AS no_source,
    people AS
    (
        -- every session of a person up to the period's end: (landing ms, landing event, source)
        SELECT
            person,
            arraySort(groupArray((landing_ms, landing_event_id, (channel, utm_source, utm_medium,
                                                                  utm_campaign, referrer_domain))))
                AS sessions
        FROM clickstream.session_landings
        WHERE site_id = {site:String} AND landed_at < period_end
        GROUP BY person
    ),
    buyers AS
    (
        SELECT person,
               groupArray((toUInt64(toUnixTimestamp64Milli(ordered_at)), toDecimal128(revenue, 4)))
                   AS placed
        FROM clickstream.period_orders(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
        GROUP BY person
    ),
    credits AS
    (
        -- one pass per person (a CTE named twice would run twice): the credits of the person's
        -- visit and of each of their orders, as (model, source, visitor, new, order, revenue).
        -- Each order's last touch comes from one time line of sessions and orders, a session
        -- before an order at the same time ("at or before"), filled forward: linear in
        -- sessions + orders, where a search of the sessions per order was quadratic (a
        -- reseller with 10 000 orders and sessions took seconds and gigabytes).
        SELECT
            arrayExists(s -> s.1 >= start_ms, sessions) AS visited,
            notEmpty(sessions) AS has_session,
            sessions[1].1 AS first_ms,
            sessions[1].3 AS first_source,
            has_session AND first_ms >= start_ms AS is_new,
            arraySort(arrayConcat(
                arrayMap(s -> (s.1, 0, s.2, s.3, toDecimal128(0, 4)), sessions),
                arrayMap(o -> (o.1, 1, '', no_source, o.2), placed))) AS timeline,
            -- per order: the last session before it on the time line (the order itself if none)
            arrayFilter((f, e) -> e.2 = 1, arrayFill(e -> e.2 = 0, timeline), timeline)
                AS order_touches,
            arrayFilter(e -> e.2 = 1, timeline) AS order_events,
            arrayConcat(
                if(visited,
                   [('first_touch', first_source, 1, is_new, 0, toDecimal128(0, 4)),
                    ('last_touch', sessions[-1].3, 1, is_new, 0, toDecimal128(0, 4))],
                   []),
                arrayFlatten(arrayMap((t, o) -> [
                    ('first_touch', if(has_session AND first_ms <= o.1, first_source, no_source),
                     0, 0, 1, o.5),
                    ('last_touch', if(t.2 = 0, t.4, no_source), 0, 0, 1, o.5)],
                    order_touches, order_events))) AS credit_list
        FROM people
        FULL OUTER JOIN buyers USING (person)
    )
SELECT
    credit.1 AS model,
    credit.2.1 AS channel,
    credit.2.2 AS utm_source,
    credit.2.3 AS utm_medium,
    credit.2.4 AS utm_campaign,
    credit.2.5 AS referrer_domain,
    toUInt64(sum(credit.3)) AS visitors,
    toUInt64(sum(credit.4)) AS new_visitors,
    toUInt64(sum(credit.5)) AS orders,
    toDecimal128(sum(credit.6), 4) AS revenue
FROM credits
ARRAY JOIN credit_list AS credit
GROUP BY model, channel, utm_source, utm_medium, utm_campaign, referrer_domain
ORDER BY model, visitors DESC, orders DESC, channel, utm_source, utm_medium, utm_campaign,
         referrer_domain
SETTINGS join_use_nulls = 0;
