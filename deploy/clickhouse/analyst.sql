-- The read-only analyst user, for servers managed with SQL (access_management on) instead of
-- users.d XML. Put your own password in place of 'change-me', then run it as an administrator:
--   clickhouse-client --multiquery < deploy/clickhouse/analyst.sql
-- readonly = 1 refuses writes, DDL and settings changes, except the two the Grafana ClickHouse
-- data source sends with every query (max_execution_time; limit from plugin 4.9 on).
CREATE SETTINGS PROFILE IF NOT EXISTS analyst
    SETTINGS readonly = 1, max_execution_time = 60 MAX 600 CHANGEABLE_IN_READONLY,
             limit CHANGEABLE_IN_READONLY, max_memory_usage = 10000000000;
CREATE USER IF NOT EXISTS analyst IDENTIFIED WITH sha256_password BY 'change-me'
    SETTINGS PROFILE 'analyst';
GRANT SELECT ON clickstream.* TO analyst;
