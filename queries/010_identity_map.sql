-- identity_map: which user each anonymous visitor id belongs to.
-- Answers: "who is this cookie?" An anonymous id linked to several users (a shared device)
-- belongs to the first one it was linked to.
-- Columns:
--   site_id       shop
--   anonymous_id  visitor id from the first-party cookie
--   user_id       the user it was first linked to
--   linked_at     event time of that first link (UTC)
CREATE OR REPLACE VIEW clickstream.identity_map AS
SELECT
    i.site_id AS site_id,
    i.anonymous_id AS anonymous_id,
    argMin(i.user_id, i.linked_at) AS user_id,
    min(i.linked_at) AS linked_at
FROM clickstream.identities AS i
GROUP BY i.site_id, i.anonymous_id;
