-- Synthetic shopper journeys for the query benchmark, made inside ClickHouse (no Python per row):
-- about 14 events per visitor.
-- Parameters: table Identifier (events, or a copy of it), site String, visitors
-- UInt64, start DateTime (UTC), days UInt32, resend_percent UInt8 (share of events delivered
-- twice, with the same event_id, in a later insert), copy UInt8 (0: the events, 1: the resent
-- copies of resend_percent of them).
--
-- Per visitor: 1-2 devices (anonymous ids), 1-5 sessions days apart, each landing from a channel
-- (UTM campaign on email and paid traffic) on one device class; 1-8 page views per session
-- (about a third bounce), favorites, cart additions, registration (with a cart, in one chosen
-- session) for a third of the visitors, logins on later sessions (which link the second
-- device), orders after a cart (some followed by a server copy: a second event id, the same order_id, only the
-- user id), custom events. Every hash is of the visitor, session and slot numbers, so a run is
-- reproducible.
INSERT INTO clickstream.{table:Identifier}
(
    event_id, site_id, type, event_name, anonymous_id, user_id, session_id, ts, client_ts,
    received_at, url, path, referrer, channel, utm_source, utm_medium, utm_campaign,
    device_class, browser, os, product_id, category, price, quantity, currency, order_id,
    revenue, `items.product_id`, `items.category`, `items.price`, `items.quantity`, source
)
WITH
    ['direct', 'search', 'social', 'email', 'paid', 'referral'] AS channels,
    [30, 55, 67, 77, 92, 100] AS channel_cumulative_weights,
    ['', '', '', 'spring_sale', 'brand', ''] AS campaigns,
    ['desktop', 'mobile', 'mobile', 'tablet'] AS device_classes
SELECT
    reinterpretAsUUID(concat(reinterpretAsFixedString(cityHash64(v, s, slot)),
                             reinterpretAsFixedString(cityHash64(slot, s, v, 7)))) AS event_id,
    {site:String} AS site_id,
    kind AS type,
    kind AS event_name,
    if(server_copy, '', concat('a', toString(v), '-', toString(device))) AS anonymous_id,
    if(known, concat('u', toString(v)), '') AS user_id,
    if(server_copy, '', concat('s', toString(v), '-', toString(s))) AS session_id,
    session_start + toIntervalMillisecond(slot * 45000 + cityHash64(v, s, slot, 1) % 40000)
        AS ts,
    ts AS client_ts,
    ts + toIntervalMillisecond(300) AS received_at,
    concat('https://shop.example', page) AS url,
    page AS path,
    if(landing AND channel IN ('search', 'social', 'referral'), 'https://ref.example/', '')
        AS referrer,
    if(landing OR kind != 'page_view', channel, 'internal') AS channel,
    if(landing AND campaign != '', channel, '') AS utm_source,
    if(landing AND campaign != '', channel, '') AS utm_medium,
    if(landing, campaign, '') AS utm_campaign,
    device_classes[1 + device_kind] AS device_class,
    if(device_kind = 0, 'Chrome', 'Mobile Safari') AS browser,
    if(device_kind = 0, 'Windows', 'iOS') AS os,
    if(kind IN ('page_view', 'favorite', 'add_to_cart'), concat('p', toString(product)), '')
        AS product_id,
    if(product_id = '', '', ['shoes', 'bags', 'tea', 'books', 'toys', 'phones'][1 + product % 6])
        AS category,
    if(kind = 'add_to_cart', toDecimal64(10 + product % 290, 4), toDecimal64(0, 4)) AS price,
    toUInt32(kind = 'add_to_cart') AS quantity,
    if(kind IN ('add_to_cart', 'order'), 'CNY', '') AS currency,
    if(kind = 'order', concat('o', toString(v), '-', toString(s)), '') AS order_id,
    if(kind = 'order', toDecimal64(20 + cityHash64(v, s) % 480, 4), toDecimal64(0, 4))
        AS revenue,
    if(kind = 'order', [concat('p', toString(product))], []) AS `items.product_id`,
    if(kind = 'order', ['tea'], []) AS `items.category`,
    if(kind = 'order', [toDecimal64(20 + cityHash64(v, s) % 480, 4)], []) AS `items.price`,
    if(kind = 'order', [toUInt32(1)], []) AS `items.quantity`,
    if(server_copy, 'track', 'batch') AS source
FROM
(
    SELECT
        v, s, device, device_kind, session_start, channel, campaign, registers,
        register_session, known_before,
        kinds,
        slot,
        kinds[slot] AS kind,
        slot = indexOf(kinds, 'page_view') AS landing,
        -- the server's copy of an order: no anonymous id, only the user id
        kind = 'order' AND slot > 1 AND kinds[slot - 1] = 'order' AS server_copy,
        known_before OR (registers AND s = register_session
                         AND slot >= indexOf(kinds, 'register') AND indexOf(kinds, 'register') > 0)
            AS known,
        cityHash64(v, s, slot, 2) % 40 AS product,
        multiIf(landing, '/', kind = 'page_view',
                concat('/p/p', toString(product)), concat('/', kind)) AS page
    FROM
    (
        SELECT
            v, s, sessions, devices, registers, register_session,
            s % devices AS device,
            cityHash64(v, device, 3) % 4 AS device_kind,
            first_visit + toIntervalSecond(s * 2 * 86400 + cityHash64(v, s, 4) % (2 * 86400))
                AS session_start,
            cityHash64(v, s, 5) % 100 AS channel_roll,
            arrayFirstIndex(w -> channel_roll < w, channel_cumulative_weights) AS channel_index,
            channels[channel_index] AS channel,
            campaigns[channel_index] AS campaign,
            registers AND s > register_session AND cityHash64(v, s, 6) % 10 < 7 AS known_before,
            -- the session's events, in order
            cityHash64(v, s, 7) % 100 AS roll,
            if(roll < 33, 1, 2 + cityHash64(v, s, 8) % 7) AS page_views,
            roll >= 33 AND cityHash64(v, s, 9) % 100 < 35 AS favorites,
            roll >= 33 AND cityHash64(v, s, 10) % 100 < 40 AS carts,
            carts AND cityHash64(v, s, 11) % 100 < 45 AS orders,
            arrayConcat(
                if(known_before AND cityHash64(v, s, 12) % 2 = 0, ['login'], []),
                arrayResize(['page_view'], page_views, 'page_view'),
                if(favorites, ['favorite'], []),
                if(carts, arrayResize(['add_to_cart'], 1 + cityHash64(v, s, 13) % 2,
                                      'add_to_cart'), []),
                if(carts AND registers AND s = register_session, ['register'], []),
                if(orders, if(cityHash64(v, s, 14) % 10 = 0 AND (known_before OR
                    (registers AND s = register_session)), ['order', 'order'], ['order']), []),
                if(cityHash64(v, s, 15) % 20 = 0, ['share'], [])
            ) AS kinds
        FROM
        (
            SELECT
                number AS v,
                1 + cityHash64(v, 1) % 5 AS sessions,
                1 + (cityHash64(v, 2) % 10 < 3) AS devices,
                cityHash64(v, 3) % 3 = 0 AS registers,
                cityHash64(v, 4) % sessions AS register_session,
                {start:DateTime} + toIntervalSecond(cityHash64(v, 5) % ({days:UInt32} * 86400))
                    AS first_visit
            FROM numbers({visitors:UInt64})
        )
        ARRAY JOIN range(sessions) AS s
    )
    ARRAY JOIN arrayEnumerate(kinds) AS slot
)
WHERE {copy:UInt8} = 0 OR cityHash64(v, s, slot, 99) % 100 < {resend_percent:UInt8}
