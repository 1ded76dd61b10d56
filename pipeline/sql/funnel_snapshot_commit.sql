-- Makes a site's funnel snapshot visible to the views (see funnel_snapshot), once all its chains
-- are stored.
-- Parameters: site String, generation UInt64, window_seconds UInt32, loaded_before
-- DateTime64(3) (events loaded before it are in the snapshot), built_seconds Float64
INSERT INTO clickstream.funnel_snapshots
SELECT
    {site:String},
    {generation:UInt64},
    {window_seconds:UInt32},
    (SELECT steps_hash FROM clickstream.funnel_steps_hash),
    {loaded_before:DateTime64(3)},
    (SELECT count() FROM clickstream.funnel_snapshot_chains
     WHERE site_id = {site:String} AND generation = {generation:UInt64}),
    {built_seconds:Float64};
