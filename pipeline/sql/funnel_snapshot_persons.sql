-- How many persons one committed funnel snapshot holds.
-- Parameters: site String, generation UInt64
SELECT persons
FROM clickstream.funnel_snapshots
WHERE site_id = {site:String} AND generation = {generation:UInt64};
