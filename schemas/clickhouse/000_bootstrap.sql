-- Runs before every migration pass: the database and the table that records applied migrations.
-- Both statements are idempotent.
CREATE DATABASE IF NOT EXISTS clickstream;

CREATE TABLE IF NOT EXISTS clickstream.schema_migrations
(
    version    UInt32 COMMENT 'NNN prefix of the migration file',
    name       String COMMENT 'file name',
    checksum   String COMMENT 'SHA-256 of the file as applied',
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY version;
