-- dormant_potential_customers: the "潜在期休眠客户" list: visitors who showed interest, never
-- ordered, and have gone quiet — one row per person, to follow up.
-- Answers: who carted or favorited something before as_of, has no order before as_of, and has
-- shown no interest (favorite or add_to_cart) for more than dormant_days days? What did they
-- want, and under which ids can they be reached? The same people lifecycle_segments counts as
-- dormant_potential (with the same as_of and dormant_days). Events count once per event_id;
-- a person's devices are stitched (see person_events). Cart removals and un-favorites are not
-- subtracted: the lists say what interested them.
-- Parameters: site String, as_of DateTime (in the site time zone), dormant_days UInt32
-- Columns:
--   person              person key (see person_events)
--   user_id             their user id ('' when anonymous)
--   anonymous_ids       their cookie ids (sorted)
--   last_interest_at    time of their last favorite or add_to_cart, in the site time zone
--   dormant_seconds     seconds from last_interest_at to as_of
--   carted_products     product ids they added to the cart (sorted, distinct)
--   favorited_products  product ids they favorited (sorted, distinct)
--   last_seen_at        time of their last event before as_of, in the site time zone
-- Rows: most recently interested first, then by person.
CREATE OR REPLACE VIEW clickstream.dormant_potential_customers AS
WITH
    (SELECT (time_zone, from_ms) FROM clickstream.stage_period(
        site = {site:String}, date_from = {as_of:DateTime}, date_to = {as_of:DateTime}))
        AS moment,
    assumeNotNull(moment.1) AS tz,
    assumeNotNull(moment.2) AS as_of_ms,
    toUInt64({dormant_days:UInt32}) * 86400000 AS dormant_ms
SELECT
    person,
    if(startsWith(person, 'u:'), substring(person, 3), '') AS user_id,
    anonymous_ids,
    fromUnixTimestamp64Milli(toInt64(last_interest_ms), tz) AS last_interest_at,
    (as_of_ms - last_interest_ms) / 1000 AS dormant_seconds,
    carted_products,
    favorited_products,
    fromUnixTimestamp64Milli(toInt64(last_seen_ms), tz) AS last_seen_at
FROM
(
    SELECT
        person,
        arraySort(groupUniqArrayIf(anonymous_id, anonymous_id != '')) AS anonymous_ids,
        countIf(type IN ('favorite', 'add_to_cart')) > 0 AS interested,
        maxIf(ts_ms, type IN ('favorite', 'add_to_cart')) AS last_interest_ms,
        countIf(type = 'order' AND order_id != '') > 0 AS ordered,
        arraySort(groupUniqArrayIf(product_id, type = 'add_to_cart' AND product_id != ''))
            AS carted_products,
        arraySort(groupUniqArrayIf(product_id, type = 'favorite' AND product_id != ''))
            AS favorited_products,
        max(ts_ms) AS last_seen_ms
    FROM clickstream.person_events
    WHERE site_id = {site:String} AND ts_ms < as_of_ms
    GROUP BY person
)
WHERE interested AND NOT ordered AND as_of_ms - last_interest_ms > dormant_ms
ORDER BY last_interest_ms DESC, person;
