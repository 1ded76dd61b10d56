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
    credits AS
    (
        SELECT
            ['first_touch', 'last_touch'] AS models,
            [sessions[1].3, arrayLast(s -> s.1 >= start_ms, sessions).3] AS sources,
            1 AS visitor,
            sessions[1].1 >= start_ms AS is_new,
            0 AS is_order,
            toDecimal128(0, 4) AS revenue
        FROM people
        WHERE arrayExists(s -> s.1 >= start_ms, sessions)
        UNION ALL
        SELECT
            ['first_touch', 'last_touch'] AS models,
            [if(length(p.sessions) > 0 AND p.sessions[1].1 <= o.at_ms, p.sessions[1].3, no_source),
             if(arrayExists(s -> s.1 <= o.at_ms, p.sessions),
                arrayLast(s -> s.1 <= o.at_ms, p.sessions).3, no_source)] AS sources,
            0 AS visitor,
            0 AS is_new,
            1 AS is_order,
            toDecimal128(o.revenue, 4) AS revenue
        FROM
        (
            SELECT person, toUInt64(toUnixTimestamp64Milli(ordered_at)) AS at_ms, revenue
            FROM clickstream.period_orders(
                site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
        ) AS o
        LEFT JOIN people AS p ON p.person = o.person
    )
SELECT
    model,
    source.1 AS channel,
    source.2 AS utm_source,
    source.3 AS utm_medium,
    source.4 AS utm_campaign,
    source.5 AS referrer_domain,
    toUInt64(sum(visitor)) AS visitors,
    toUInt64(sum(is_new)) AS new_visitors,
    toUInt64(sum(is_order)) AS orders,
    toDecimal128(sum(revenue), 4) AS revenue
FROM credits
ARRAY JOIN models AS model, sources AS source
GROUP BY model, source
ORDER BY model, visitors DESC, orders DESC, channel, utm_source, utm_medium, utm_campaign,
         referrer_domain
SETTINGS join_use_nulls = 0;
