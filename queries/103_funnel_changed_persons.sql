-- funnel_changed_persons: the persons whose chains the funnel snapshot cannot hold, because
-- events of theirs were loaded after it was taken.
-- Answers: "whose funnel chains must be computed from raw events?" (see funnel_snapshot; none
-- when no snapshot fits the query). A person changes when an event of theirs is loaded; an
-- event linking an anonymous id to a user also changes every person that id belonged to (its
-- history moves), so the anonymous id's own person and every user it is linked to are listed.
-- Parameters: site String, date_from DateTime, date_to DateTime, window_seconds UInt32 (as for
-- funnel_snapshot)
-- Columns (one row, for the readers to take as scalars: computed once per query):
--   persons        the person keys (see person_events)
--   anonymous_ids  every anonymous id an event row of theirs can carry: the ids of the 'a:'
--                  persons, and for the 'u:' persons '' and every id linked to their user
CREATE OR REPLACE VIEW clickstream.funnel_changed_persons AS
WITH
    -- the same scalar in every funnel view: computed once per query (NULL: no snapshot fits)
    (SELECT (generation, loaded_before) FROM clickstream.funnel_snapshot(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
        window_seconds = {window_seconds:UInt32})) AS snapshot,
    -- the visitor ids of the events loaded since (without a snapshot no row is read)
    (SELECT (arrayFilter(a -> a != '', groupUniqArray(anonymous_id)),
             arrayFilter(u -> u != '', groupUniqArray(user_id)))
     FROM clickstream.events
     WHERE site_id = {site:String} AND snapshot IS NOT NULL AND loaded_at >= snapshot.2)
        AS changed_ids,
    -- and every user those anonymous ids are linked to: a late link may move an id's history
    -- from one of them to another
    arrayDistinct(arrayConcat(changed_ids.2, (
        SELECT groupUniqArray(user_id) FROM clickstream.identities
        WHERE site_id = {site:String} AND anonymous_id IN (SELECT arrayJoin(changed_ids.1)))))
        AS changed_users
SELECT
    arrayConcat(arrayMap(a -> concat('a:', a), changed_ids.1),
                arrayMap(u -> concat('u:', u), changed_users)) AS persons,
    arrayConcat(changed_ids.1, if(empty(changed_users), [], ['']), (
        SELECT groupUniqArray(anonymous_id) FROM clickstream.identities
        WHERE site_id = {site:String} AND user_id IN (SELECT arrayJoin(changed_users))))
        AS anonymous_ids;
